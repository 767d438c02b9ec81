import type { DashboardRecord } from "./dashboards.js";

/** Where users' dashboards are kept. */
export interface DashboardRepository {
  get(id: string): Promise<DashboardRecord | undefined>;
  /** The owner's dashboards, oldest first (ids sort by creation). */
  list(ownerId: string): Promise<DashboardRecord[]>;
  /** The shared dashboards of these organizations, anyone's, oldest first; at most `limit`. */
  listShared(orgIds: readonly string[], limit: number): Promise<DashboardRecord[]>;
  /** False when a dashboard with the id exists already (nothing changes). */
  insert(dashboard: DashboardRecord): Promise<boolean>;
  update(dashboard: DashboardRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Drops every dashboard of the owner; how many went. */
  deleteAllOf(ownerId: string): Promise<number>;
}
