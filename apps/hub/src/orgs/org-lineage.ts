import { ROOT_ORG_ID } from "@canopy/api";
import type { TenantRepository } from "../domain/tenant-repository.js";
import { parentOrgOf } from "./org-scope.js";

/**
 * Organization `orgId` and those above it, nearest first, up to the root: one read per level
 * (the tree is at most root → child MSP → customer). An organization gone (or a loop in damaged
 * data) ends the line there.
 */
export async function lineageOf(tenants: TenantRepository, orgId: string): Promise<string[]> {
  const lineage = [orgId];
  let at = orgId;
  while (at !== ROOT_ORG_ID) {
    const tenant = await tenants.get(at);
    if (!tenant) break;
    const parent = parentOrgOf(tenant);
    if (lineage.includes(parent)) break;
    lineage.push(parent);
    at = parent;
  }
  return lineage;
}
