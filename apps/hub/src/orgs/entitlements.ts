import type { HeldCapability } from "@canopy/api";
import type { TenantRepository } from "../domain/tenant-repository.js";
import type { TenantSettingsRepository } from "../settings/tenant-settings-repository.js";
import { heldIn, withAncestors } from "./capabilities.js";
import { siemLeftOff } from "./security-accounts.js";

/** What a tenant may receive: the capabilities it holds, and the security account that leaves its SIEM off, if one does. */
export interface Entitlement {
  held: readonly HeldCapability[];
  siemOffBy?: string | undefined;
}

/** Each tenant's entitlement now (unknown ids left out): one read per tree level and one of the security accounts. */
export async function entitlementsOf(
  tenants: TenantRepository,
  settings: Pick<TenantSettingsRepository, "securityAccounts">,
  tenantIds: readonly string[],
  now: number,
): Promise<Map<string, Entitlement>> {
  const records = [...(await tenants.getMany(tenantIds)).values()];
  const [known, accounts] = await Promise.all([withAncestors(tenants, records), settings.securityAccounts()]);
  const held = heldIn(known, records, now);
  const off = siemLeftOff(records, known, accounts);
  return new Map(records.map((tenant) => [tenant.id, { held: held.get(tenant.id) ?? [], siemOffBy: off.get(tenant.id)?.name }]));
}
