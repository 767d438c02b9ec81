import { problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import type { IdOwner } from "./id-owners.js";

/** The tenant an id belongs to: a tenant's own, or the tenant part of an insight's `<tenantId>~<localId>`. */
export function tenantOfId(owner: IdOwner | undefined, id: string): string {
  if (owner !== "insight") return id;
  const tilde = id.indexOf("~");
  return tilde > 0 ? id.slice(0, tilde) : id;
}

/**
 * Refuses (403, naming them) when one of the tenants keeps its parents' users out
 * (`accessibleByParent` off) and the caller belongs to another organization.
 */
export async function refuseClosedTenant(hub: HubServices, callerOrgId: string, tenantIds: Iterable<string>): Promise<void> {
  const closed: string[] = [];
  for (const tenantId of new Set(tenantIds)) if (!(await hub.insightVisibility.accessible(callerOrgId, tenantId))) closed.push(tenantId);
  if (closed.length === 0) return;
  const names = [...(await hub.data.tenants.getMany(closed)).values()].map((tenant) => `"${tenant.name}"`);
  throw problems.forbidden(
    `${names.join(", ") || "this tenant"} ${closed.length === 1 ? "does" : "do"} not let users of its parent organizations connect to it or change its insights (its accessibleByParent setting is off)`,
  );
}
