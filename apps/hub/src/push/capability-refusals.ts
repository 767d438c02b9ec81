import type { CapabilityName, HeldCapability } from "@canopy/api";
import type { ContentKind } from "@canopy/protocol";

/** The capability a tenant must hold to receive each kind of content. */
export const CAPABILITY_OF_KIND: Readonly<Record<ContentKind, CapabilityName>> = {
  playbook: "soar",
  "custom-field": "soar",
  "siem-rule": "siem",
  "tuning-expression": "siem",
  library: "library",
};

/** What each tenant holds now, by id; absent: tenants pushes do not check (tests of delivery alone). */
export type CapabilityLookup = (tenantIds: readonly string[]) => Promise<ReadonlyMap<string, readonly HeldCapability[]>>;

/** Why a tenant may not receive an item, or undefined when it may. */
export function refusalOf(kind: ContentKind, held: readonly HeldCapability[] | undefined, tenantName: string): string | undefined {
  if (held === undefined) return undefined;
  const needed = CAPABILITY_OF_KIND[kind];
  return held.some((capability) => capability.name === needed) ? undefined : `refused: "${tenantName}" does not hold the ${needed} capability (it has expired or was never given)`;
}
