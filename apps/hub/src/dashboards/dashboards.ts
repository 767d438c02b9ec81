import { createHash } from "node:crypto";
import { DashboardSchema, type Dashboard, type Widget } from "@canopy/api";
import { z } from "zod";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import type { DashboardRepository } from "./dashboard-repository.js";
import { DEFAULT_DASHBOARD_NAME, defaultWidgets } from "./default-widgets.js";

/** `dashboards` document: the API's `Dashboard` plus whose it is (the owner's user id, or an API key's id; nobody else sees or changes it). */
export const DashboardRecord = DashboardSchema.extend({ ownerId: z.string() });
export type DashboardRecord = z.infer<typeof DashboardRecord>;

export const DASHBOARDS_COLLECTION = "dashboards";
/** Enough for anyone's views; keeps one user from filling the store. */
export const DASHBOARDS_PER_USER_MAX = 50;

export interface DashboardInput {
  name: string;
  widgets: Widget[];
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
  async listOrCreateDefault(dashboards: DashboardRepository, ownerId: string): Promise<{ items: DashboardRecord[]; created: DashboardRecord | null }> {
    const items = await dashboards.list(ownerId);
    if (items.length > 0) return { items, created: null };
    const at = isoAt(this.#clock());
    const record: DashboardRecord = { id: defaultDashboardId(ownerId), ownerId, name: DEFAULT_DASHBOARD_NAME, widgets: defaultWidgets(), createdAt: at, updatedAt: at };
    const created = await dashboards.insert(record);
    return { items: await dashboards.list(ownerId), created: created ? record : null };
  }

  async require(dashboards: DashboardRepository, ownerId: string, id: string): Promise<DashboardRecord> {
    const record = await dashboards.get(id);
    if (!record || record.ownerId !== ownerId) throw problems.notFound(`dashboard ${id}`);
    return record;
  }

  /** A new dashboard; at most DASHBOARDS_PER_USER_MAX per owner (a soft bound: two made at the same moment may pass it by one). */
  async create(dashboards: DashboardRepository, ownerId: string, input: DashboardInput): Promise<DashboardRecord> {
    if ((await dashboards.list(ownerId)).length >= DASHBOARDS_PER_USER_MAX) {
      throw problems.conflict("dashboard_limit", `a user can keep at most ${DASHBOARDS_PER_USER_MAX} dashboards`);
    }
    const now = this.#clock();
    const at = isoAt(now);
    const record: DashboardRecord = { id: newSortableId("dsh", now), ownerId, name: input.name, widgets: input.widgets, createdAt: at, updatedAt: at };
    await dashboards.insert(record);
    return record;
  }

  async replace(dashboards: DashboardRepository, ownerId: string, id: string, input: DashboardInput): Promise<DashboardRecord> {
    const record = await this.require(dashboards, ownerId, id);
    const replaced: DashboardRecord = { ...record, name: input.name, widgets: input.widgets, updatedAt: isoAt(this.#clock()) };
    await dashboards.update(replaced);
    return replaced;
  }

  async remove(dashboards: DashboardRepository, ownerId: string, id: string): Promise<DashboardRecord> {
    const record = await this.require(dashboards, ownerId, id);
    await dashboards.delete(id);
    return record;
  }
}

/** The API's view of a record (the owner is implied by who asks). */
export function dashboardJson(record: DashboardRecord): Dashboard {
  return { id: record.id, name: record.name, widgets: record.widgets, createdAt: record.createdAt, updatedAt: record.updatedAt };
}
