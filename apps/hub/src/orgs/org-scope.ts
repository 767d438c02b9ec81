import { ROOT_ORG_ID } from "@canopy/api";
import type { TenantRecord } from "../domain/records.js";
import type { TenantRepository } from "../domain/tenant-repository.js";

/**
 * The organizations a request may see and act on: the one the caller works in and everything
 * under it. The root's scope is everything (`orgIds` null), so the MSSP's own staff pay nothing
 * for it; a child's is a set of ids every store answers with an index (`tenant_id = ANY(…)`).
 */
export interface OrgScope {
  /** The organization the caller works in: their own, or one under it they switched to. */
  readonly orgId: string;
  /** null: every organization. Else `orgId` and its descendants. */
  readonly orgIds: ReadonlySet<string> | null;
}

export const ROOT_SCOPE: OrgScope = { orgId: ROOT_ORG_ID, orgIds: null };

/** A tenant's parent organization: records keep null for the root's children, as earlier versions wrote. */
export const parentOrgOf = (tenant: TenantRecord): string => tenant.parentId ?? ROOT_ORG_ID;

/** Whether `orgId` (a tenant's id, or the root's) is in the scope. */
export function inScope(scope: OrgScope, orgId: string): boolean {
  return scope.orgIds === null || scope.orgIds.has(orgId);
}

/** The tenant ids a list is limited to; undefined: all of them. */
export function scopedTenantIds(scope: OrgScope): readonly string[] | undefined {
  return scope.orgIds === null ? undefined : [...scope.orgIds].filter((id) => id !== ROOT_ORG_ID);
}

/**
 * The scope of organization `orgId`: the root's is everything; a tenant's is itself and its
 * descendants, found a level at a time by the parent index (the tree is at most root → child MSP
 * → customers, so two reads at most).
 */
export async function scopeOf(tenants: TenantRepository, orgId: string): Promise<OrgScope> {
  if (orgId === ROOT_ORG_ID) return ROOT_SCOPE;
  const orgIds = new Set([orgId]);
  let level = [orgId];
  while (level.length > 0) {
    const children = (await tenants.childrenOf(level)).map((tenant) => tenant.id).filter((id) => !orgIds.has(id));
    for (const id of children) orgIds.add(id);
    level = children;
  }
  return { orgId, orgIds };
}
