import type { CapabilityName } from "@canopy/api";
import type { ContentKind } from "@canopy/protocol";
import type { Entitlement } from "../orgs/entitlements.js";

/** The capability a tenant must hold to receive each kind of content. */
export const CAPABILITY_OF_KIND: Readonly<Record<ContentKind, CapabilityName>> = {
  playbook: "soar",
  "custom-field": "soar",
  "siem-rule": "siem",
  "tuning-expression": "siem",
  library: "library",
};

/** Each tenant's entitlement now, by id; absent: tenants pushes do not check (tests of delivery alone). */
export type CapabilityLookup = (tenantIds: readonly string[]) => Promise<ReadonlyMap<string, Entitlement>>;

/** Why a tenant may not receive an item, or undefined when it may. */
export function refusalOf(kind: ContentKind, entitlement: Entitlement, tenantName: string): string | undefined {
  const needed = CAPABILITY_OF_KIND[kind];
  if (!entitlement.held.some((capability) => capability.name === needed)) {
    return `refused: "${tenantName}" does not hold the ${needed} capability (it has expired or was never given)`;
  }
  if (needed === "siem" && entitlement.siemOffBy !== undefined) {
    return `refused: the SIEM features of "${tenantName}" are off: the security account "${entitlement.siemOffBy}" does not choose it`;
  }
  return undefined;
}
