import { ROOT_ORG_ID, type CapabilityName, type HeldCapability } from "@canopy/api";
import { problems } from "../core/problem-error.js";
import type { TenantRecord } from "../domain/records.js";
import type { TenantRepository } from "../domain/tenant-repository.js";
import { capabilitiesOf, holds, ROOT_CAPABILITIES } from "./capabilities.js";
import { inScope, type OrgScope } from "./org-scope.js";

/** A parent as a rule sees it: the root, or a tenant with what it holds now. */
export interface ParentOrg {
  id: string;
  name: string;
  /** The tenant record; undefined for the root. */
  tenant: TenantRecord | undefined;
  held: readonly HeldCapability[];
}

/** The parent a request names (default: the organization the caller works in), checked against the scope. */
export async function parentFor(tenants: TenantRepository, scope: OrgScope, parentId: string | null | undefined, rootName: string, now: number): Promise<ParentOrg> {
  const id = parentId ?? scope.orgId;
  if (id === ROOT_ORG_ID) {
    if (scope.orgIds !== null) throw problems.invalid([{ path: "parentId", message: `no organization with id ${id.slice(0, 100)} in your scope (GET /orgs/tree lists them)` }]);
    return { id, name: rootName, tenant: undefined, held: ROOT_CAPABILITIES };
  }
  const tenant = inScope(scope, id) ? await tenants.get(id) : undefined;
  // Outside the scope reads as missing: a sibling's id is not confirmed.
  if (!tenant) throw problems.invalid([{ path: "parentId", message: `no organization with id ${id.slice(0, 100)} in your scope (GET /orgs/tree lists them)` }]);
  const held = (await capabilitiesOf(tenants, [tenant], now)).get(tenant.id) ?? [];
  if (!holds(held, "msp")) {
    throw problems.invalid([{ path: "parentId", message: `"${tenant.name}" cannot have customers: it does not hold the msp capability` }]);
  }
  return { id, name: tenant.name, tenant, held };
}

/**
 * Checks capabilities a parent gives a child: only what the parent holds, never past the
 * parent's expiry, `msp` only from the root; an expiry already past is refused too.
 */
export function checkCapabilities(given: readonly { name: CapabilityName; expiresAt?: string | null | undefined }[], parent: ParentOrg, nowIso: string): HeldCapability[] {
  const errors: { path: string; message: string }[] = [];
  const checked = given.map((capability, index) => {
    const path = `capabilities.${index}`;
    const expiresAt = capability.expiresAt ? new Date(capability.expiresAt).toISOString() : null;
    const theirs = parent.held.find((held) => held.name === capability.name);
    if (capability.name === "msp" && parent.id !== ROOT_ORG_ID) {
      errors.push({ path, message: "only the root organization may give msp (a child MSP's customers cannot have customers)" });
    } else if (!theirs) {
      errors.push({ path, message: `"${parent.name}" does not hold ${capability.name}, so it cannot give it` });
    } else if (expiresAt !== null && expiresAt <= nowIso) {
      errors.push({ path: `${path}.expiresAt`, message: "is in the past" });
    } else if (theirs.expiresAt !== null && (expiresAt === null || expiresAt > theirs.expiresAt)) {
      errors.push({ path: `${path}.expiresAt`, message: `must not be later than "${parent.name}"'s own ${capability.name} expiry (${theirs.expiresAt})` });
    }
    return { name: capability.name, expiresAt };
  });
  if (errors.length > 0) throw problems.invalid(errors);
  return checked;
}

/** What a new tenant gets when no capabilities are given: soar, siem and library, as far as its parent holds them. */
export function defaultCapabilities(parent: ParentOrg): HeldCapability[] {
  return (["soar", "siem", "library"] as const).filter((name) => holds(parent.held, name)).map((name) => ({ name, expiresAt: null }));
}

/** Refuses to act on the organization the caller works in as if it were one of its customers. */
export function refuseOwnOrg(scope: OrgScope, tenantId: string, act: string): void {
  if (tenantId === scope.orgId) throw problems.conflict("own_organization", `you cannot ${act} the organization you work in; ask its parent's staff`);
}

/**
 * A move keeps the tree at most root → child MSP → customers: a tenant with customers of its
 * own, or holding msp, stays under the root.
 */
export async function checkMove(tenants: TenantRepository, tenant: TenantRecord, parent: ParentOrg, held: readonly HeldCapability[]): Promise<void> {
  if (parent.id === tenant.id) throw problems.invalid([{ path: "parentId", message: "an organization cannot be its own parent" }]);
  if (parent.id === ROOT_ORG_ID) return;
  const child = await tenants.firstChild(tenant.id);
  if (child) throw problems.conflict("tenant_has_children", `"${tenant.name}" has customers of its own (e.g. "${child.name}"): it can only sit under the root`);
  if (holds(held, "msp")) throw problems.conflict("tenant_is_msp", `"${tenant.name}" holds msp: it can only sit under the root`);
}
