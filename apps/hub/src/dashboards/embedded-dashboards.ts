import type { Store } from "@canopy/store";
import type { DashboardRepository } from "./dashboard-repository.js";
import { DASHBOARDS_COLLECTION, type DashboardRecord } from "./dashboards.js";

/** Dashboards in the embedded store: one small collection. */
export function embeddedDashboards(store: Store): DashboardRepository {
  const dashboards = store.collection<DashboardRecord>(DASHBOARDS_COLLECTION);
  const byId = (a: DashboardRecord, b: DashboardRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const ofOwner = (ownerId: string) => dashboards.filter((d) => d.ownerId === ownerId).sort(byId);
  return {
    get: async (id) => dashboards.get(id),
    list: async (ownerId) => ofOwner(ownerId),
    async listShared(orgIds, limit) {
      const wanted = new Set(orgIds);
      return dashboards.filter((d) => d.shared === true && d.orgId !== undefined && wanted.has(d.orgId)).sort(byId).slice(0, limit);
    },
    async insert(dashboard) {
      if (dashboards.get(dashboard.id)) return false;
      dashboards.put(dashboard);
      return true;
    },
    async update(dashboard) {
      dashboards.put(dashboard);
    },
    delete: async (id) => dashboards.delete(id),
    async deleteAllOf(ownerId) {
      const owned = ofOwner(ownerId);
      for (const dashboard of owned) dashboards.delete(dashboard.id);
      return owned.length;
    },
  };
}
