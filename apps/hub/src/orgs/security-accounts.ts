import type { TenantRecord } from "../domain/records.js";

/** An organization's `securityAccount` setting: the accounts at or under it whose SIEM it turns on. */
export interface SecurityAccountOf {
  orgId: string;
  name: string;
  enabledFor: readonly string[];
}

/** A tenant and the organizations above it, nearest first (the root, which has no settings, left out). */
function lineage(tenant: TenantRecord, known: ReadonlyMap<string, TenantRecord>): string[] {
  const ids = [tenant.id];
  let parentId = tenant.parentId;
  // The tree is at most three deep; the bound only guards damaged data.
  while (parentId !== null && ids.length < 8) {
    ids.push(parentId);
    parentId = known.get(parentId)?.parentId ?? null;
  }
  return ids;
}

/**
 * The tenants among `tenants` whose SIEM features are off because a security account set at
 * them or above them does not choose them: id → that account (the nearest, to name it). Where
 * no organization on the way up set one, SIEM is what the `siem` capability says, so a hub that
 * upgrades changes nothing. `known` holds the tenants' ancestors (capabilities.ts withAncestors).
 */
export function siemLeftOff(
  tenants: readonly TenantRecord[],
  known: ReadonlyMap<string, TenantRecord>,
  accounts: readonly SecurityAccountOf[],
): Map<string, SecurityAccountOf> {
  const off = new Map<string, SecurityAccountOf>();
  if (accounts.length === 0) return off;
  const byOrg = new Map(accounts.map((account) => [account.orgId, account]));
  for (const tenant of tenants) {
    for (const orgId of lineage(tenant, known)) {
      const account = byOrg.get(orgId);
      if (account && !account.enabledFor.includes(tenant.id)) {
        off.set(tenant.id, account);
        break;
      }
    }
  }
  return off;
}

/** Whether `id` is `orgId` or under it, given `id`'s ancestors in `known`. */
export function atOrUnder(id: string, orgId: string, known: ReadonlyMap<string, TenantRecord>): boolean {
  const tenant = known.get(id);
  return tenant !== undefined && lineage(tenant, known).includes(orgId);
}
