import { DashboardSchema, type Dashboard, type Widget } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import { z } from "zod";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
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

/**
 * Each user's dashboards. Every method takes the owner: a dashboard of someone else is "not
 * found", never "forbidden", so ids do not reveal what others have.
 */
export class Dashboards {
  readonly #dashboards: Collection<DashboardRecord>;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#dashboards = store.collection<DashboardRecord>(DASHBOARDS_COLLECTION);
    this.#clock = clock;
  }

  /** Oldest first (ids sort by creation). */
  list(ownerId: string): DashboardRecord[] {
    return this.#dashboards.filter((d) => d.ownerId === ownerId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The owner's dashboards; a user with none gets the default one first. */
  listOrCreateDefault(ownerId: string): { items: DashboardRecord[]; created: DashboardRecord | null } {
    const items = this.list(ownerId);
    if (items.length > 0) return { items, created: null };
    const created = this.create(ownerId, { name: DEFAULT_DASHBOARD_NAME, widgets: defaultWidgets() });
    return { items: [created], created };
  }

  require(ownerId: string, id: string): DashboardRecord {
    const record = this.#dashboards.get(id);
    if (!record || record.ownerId !== ownerId) throw problems.notFound(`dashboard ${id}`);
    return record;
  }

  create(ownerId: string, input: DashboardInput): DashboardRecord {
    if (this.list(ownerId).length >= DASHBOARDS_PER_USER_MAX) {
      throw problems.conflict("dashboard_limit", `a user can keep at most ${DASHBOARDS_PER_USER_MAX} dashboards`);
    }
    const now = this.#clock();
    const at = isoAt(now);
    return this.#dashboards.put({ id: newSortableId("dsh", now), ownerId, name: input.name, widgets: input.widgets, createdAt: at, updatedAt: at });
  }

  replace(ownerId: string, id: string, input: DashboardInput): DashboardRecord {
    const record = this.require(ownerId, id);
    return this.#dashboards.put({ ...record, name: input.name, widgets: input.widgets, updatedAt: isoAt(this.#clock()) });
  }

  remove(ownerId: string, id: string): DashboardRecord {
    const record = this.require(ownerId, id);
    this.#dashboards.delete(id);
    return record;
  }

  /** Drops every dashboard of an owner that is gone (a revoked API key); returns how many. */
  removeAllOf(ownerId: string): number {
    const owned = this.list(ownerId);
    for (const record of owned) this.#dashboards.delete(record.id);
    return owned.length;
  }
}

/** The API's view of a record (the owner is implied by who asks). */
export function dashboardJson(record: DashboardRecord): Dashboard {
  return { id: record.id, name: record.name, widgets: record.widgets, createdAt: record.createdAt, updatedAt: record.updatedAt };
}
