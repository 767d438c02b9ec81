import { CAPABILITIES, DEFAULT_CAPABILITIES, ROOT_ORG_ID, type CapabilityName, type HeldCapability } from "@canopy/api";
import { isoAt } from "../core/clock.js";
import type { TenantRecord } from "../domain/records.js";
import type { TenantRepository } from "../domain/tenant-repository.js";

/** The MSSP holds every capability, for good. */
export const ROOT_CAPABILITIES: readonly HeldCapability[] = CAPABILITIES.map((name) => ({ name, expiresAt: null }));

/** What a tenant was given; tenants of earlier versions (none recorded) have soar, siem and library. */
export function grantedCapabilities(tenant: TenantRecord): HeldCapability[] {
  return tenant.capabilities ?? DEFAULT_CAPABILITIES.map((name) => ({ name, expiresAt: null }));
}

const earlier = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * What an organization holds now: what it was given, if its parent holds it too, until the
 * earlier of the two expiries. So a parent's expiry is its whole subtree's.
 */
export function heldCapabilities(granted: readonly HeldCapability[], parentHeld: readonly HeldCapability[], now: number): HeldCapability[] {
  const at = isoAt(now);
  const held: HeldCapability[] = [];
  for (const capability of granted) {
    const parent = parentHeld.find((p) => p.name === capability.name);
    if (!parent) continue;
    const expiresAt = earlier(capability.expiresAt, parent.expiresAt);
    if (expiresAt !== null && expiresAt <= at) continue;
    held.push({ name: capability.name, expiresAt });
  }
  return held;
}

export const holds = (held: readonly HeldCapability[], name: CapabilityName): boolean => held.some((c) => c.name === name);

/**
 * `tenants` and every organization above them (at most two levels up), by id, with one read per
 * level: what the capability and security-account rules look up.
 */
export async function withAncestors(repository: TenantRepository, tenants: readonly TenantRecord[]): Promise<Map<string, TenantRecord>> {
  const known = new Map<string, TenantRecord>(tenants.map((tenant) => [tenant.id, tenant]));
  let missing = parentsOf(tenants).filter((id) => !known.has(id));
  while (missing.length > 0) {
    const found = await repository.getMany(missing);
    for (const [id, tenant] of found) known.set(id, tenant);
    missing = parentsOf([...found.values()]).filter((id) => !known.has(id));
  }
  return known;
}

/** The capabilities each of `tenants` holds now, its ancestors being in `known` (withAncestors). */
export function heldIn(known: ReadonlyMap<string, TenantRecord>, tenants: readonly TenantRecord[], now: number): Map<string, HeldCapability[]> {
  const held = new Map<string, HeldCapability[]>([[ROOT_ORG_ID, [...ROOT_CAPABILITIES]]]);
  const resolve = (tenant: TenantRecord, depth: number): HeldCapability[] => {
    const done = held.get(tenant.id);
    if (done) return done;
    const parent = tenant.parentId === null ? undefined : known.get(tenant.parentId);
    // A parent gone (or a loop in damaged data) holds nothing.
    const parentHeld = tenant.parentId === null ? ROOT_CAPABILITIES : parent && depth < 8 ? resolve(parent, depth + 1) : [];
    const mine = heldCapabilities(grantedCapabilities(tenant), parentHeld, now);
    held.set(tenant.id, mine);
    return mine;
  };
  return new Map(tenants.map((tenant) => [tenant.id, resolve(tenant, 0)]));
}

/** The capabilities each of `tenants` holds now, reading their ancestors. */
export async function capabilitiesOf(repository: TenantRepository, tenants: readonly TenantRecord[], now: number): Promise<Map<string, HeldCapability[]>> {
  return heldIn(await withAncestors(repository, tenants), tenants, now);
}

const parentsOf = (tenants: readonly TenantRecord[]): string[] => [...new Set(tenants.flatMap((tenant) => (tenant.parentId === null ? [] : [tenant.parentId])))];
