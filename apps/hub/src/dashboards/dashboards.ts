import { createHash } from "node:crypto";
import { DashboardSchema, type Dashboard, type SharedBy, type Widget } from "@canopy/api";
import { z } from "zod";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import type { DashboardRepository } from "./dashboard-repository.js";
import { DEFAULT_DASHBOARD_NAME, defaultWidgets } from "./default-widgets.js";

/**
 * `dashboards` document: the API's `Dashboard` plus whose it is (the owner's user id, or an API
 * key's id; nobody else changes it) and how its viewers are told who that is. `orgId`,
 * `ownerLabel` and `shared` are missing on dashboards older versions made: those are unshared,
 * and get the organization they are next saved in.
 */
export const DashboardRecord = DashboardSchema.pick({ id: true, name: true, widgets: true, createdAt: true, updatedAt: true }).extend({
  ownerId: z.string(),
  ownerLabel: z.string().optional(),
  orgId: z.string().optional(),
  shared: z.boolean().optional(),
});
export type DashboardRecord = z.infer<typeof DashboardRecord>;

export const DASHBOARDS_COLLECTION = "dashboards";
/** Enough for anyone's views; keeps one user from filling the store. */
export const DASHBOARDS_PER_USER_MAX = 50;

export interface DashboardInput {
  name: string;
  widgets: Widget[];
  /** Left out on a replace: the sharing stays as it was. */
  shared?: boolean;
}

/** Who makes or saves a dashboard, and in which organization they work. */
export interface DashboardMaker {
  ownerId: string;
  ownerLabel: string;
  orgId: string;
}

/** The default dashboard's id: one per owner, so two first visits at once make one (it sorts first, as the first made). */
const defaultDashboardId = (ownerId: string): string => `dsh_000000000${createHash("sha256").update(ownerId).digest("base64url").slice(0, 16)}`;

/**
 * Each user's dashboards. Every method takes the owner: a dashboard of someone else is "not
 * found", never "forbidden", so ids do not reveal what others have.
 */
export class Dashboards {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The owner's dashboards; a user with none gets the default one first (`created`, to audit). */
  async listOrCreateDefault(dashboards: DashboardRepository, maker: DashboardMaker): Promise<{ items: DashboardRecord[]; created: DashboardRecord | null }> {
    const { ownerId } = maker;
    const items = await dashboards.list(ownerId);
    if (items.length > 0) return { items, created: null };
    const at = isoAt(this.#clock());
    const record: DashboardRecord = { id: defaultDashboardId(ownerId), ...maker, shared: false, name: DEFAULT_DASHBOARD_NAME, widgets: defaultWidgets(), createdAt: at, updatedAt: at };
    const created = await dashboards.insert(record);
    return { items: await dashboards.list(ownerId), created: created ? record : null };
  }

  async require(dashboards: DashboardRepository, ownerId: string, id: string): Promise<DashboardRecord> {
    const record = await dashboards.get(id);
    if (!record || record.ownerId !== ownerId) throw problems.notFound(`dashboard ${id}`);
    return record;
  }

  /** A new dashboard; at most DASHBOARDS_PER_USER_MAX per owner (a soft bound: two made at the same moment may pass it by one). */
  async create(dashboards: DashboardRepository, maker: DashboardMaker, input: DashboardInput): Promise<DashboardRecord> {
    if ((await dashboards.list(maker.ownerId)).length >= DASHBOARDS_PER_USER_MAX) {
      throw problems.conflict("dashboard_limit", `a user can keep at most ${DASHBOARDS_PER_USER_MAX} dashboards`);
    }
    const now = this.#clock();
    const at = isoAt(now);
    const record: DashboardRecord = { id: newSortableId("dsh", now), ...maker, shared: input.shared ?? false, name: input.name, widgets: input.widgets, createdAt: at, updatedAt: at };
    await dashboards.insert(record);
    return record;
  }

  /** Saves the owner's dashboard; one older versions made takes the organization it is saved in. */
  async replace(dashboards: DashboardRepository, maker: DashboardMaker, id: string, input: DashboardInput): Promise<DashboardRecord> {
    const record = await this.require(dashboards, maker.ownerId, id);
    const replaced: DashboardRecord = {
      ...record,
      orgId: record.orgId ?? maker.orgId,
      ownerLabel: maker.ownerLabel,
      shared: input.shared ?? record.shared ?? false,
      name: input.name,
      widgets: input.widgets,
      updatedAt: isoAt(this.#clock()),
    };
    await dashboards.update(replaced);
    return replaced;
  }

  async remove(dashboards: DashboardRepository, ownerId: string, id: string): Promise<DashboardRecord> {
    const record = await this.require(dashboards, ownerId, id);
    await dashboards.delete(id);
    return record;
  }
}

/**
 * The API's view of a record: the caller's own (`sharedBy` null; one older versions made is
 * shown in the organization the caller works in), or one shared with them, read-only.
 */
export function dashboardJson(record: DashboardRecord, sharedBy: SharedBy | null, workingOrgId: string): Dashboard {
  return {
    id: record.id,
    name: record.name,
    widgets: record.widgets,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    shared: record.shared ?? false,
    orgId: record.orgId ?? workingOrgId,
    sharedBy,
    readOnly: sharedBy !== null,
  };
}
