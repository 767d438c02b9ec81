import { ROOT_ORG_ID } from "@canopy/api";
import type { BusEvent } from "../core/event-bus.js";
import type { HubEvents, HubServices } from "../services.js";
import { inScope, type OrgScope } from "./org-scope.js";

/**
 * Which live events one client may see: those about its scope's tenants, its scope's pushes,
 * and the insights it may see. The scope is the one the stream opened with, grown by tenants
 * created under it since (a new customer shows up live, as it would in the list).
 */
export function feedFilter(hub: HubServices, opened: OrgScope): (event: BusEvent<HubEvents>) => Promise<boolean> {
  const orgIds = opened.orgIds === null ? null : new Set(opened.orgIds);
  const scope = (): OrgScope => ({ orgId: opened.orgId, orgIds });
  /** Each push's organization, read once per stream. */
  const pushOrgs = new Map<string, Promise<string | undefined>>();
  const pushOrg = (id: string) => {
    let org = pushOrgs.get(id);
    if (!org) {
      org = hub.data.pushes.get(id).then((push) => push && (push.orgId ?? ROOT_ORG_ID), () => undefined);
      pushOrgs.set(id, org);
    }
    return org;
  };
  return async (event) => {
    switch (event.type) {
      case "tenant.updated": {
        const tenant = event.data as HubEvents["tenant.updated"];
        if (orgIds !== null && !orgIds.has(tenant.id) && orgIds.has(tenant.parentId ?? ROOT_ORG_ID)) orgIds.add(tenant.id);
        return inScope(scope(), tenant.id);
      }
      case "tenant.deleted":
        return inScope(scope(), (event.data as HubEvents["tenant.deleted"]).id);
      case "push.progress": {
        if (orgIds === null) return true;
        const org = await pushOrg((event.data as HubEvents["push.progress"]).id);
        return org !== undefined && inScope(scope(), org);
      }
      case "insight.updated":
      case "insights.ingested": {
        const tenantId = (event.data as { tenantId: string }).tenantId;
        return inScope(scope(), tenantId) && (await hub.insightVisibility.sees(scope(), tenantId));
      }
      default:
        return false;
    }
  };
}
