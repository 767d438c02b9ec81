import { isKnownRole, permissionsOf, type Permission } from "@canopy/api";
import { lineageOf } from "../orgs/org-lineage.js";
import type { HubRepositories } from "./hub-data.js";
import type { RoleRecord } from "./records.js";
import { orgOfRole, roleKey } from "./role-repository.js";

/**
 * The custom roles usable in one organization, by lower-cased name: those it defined and those
 * its ancestors defined (a child MSP may give its staff a role the MSSP defined). Where two
 * define the same name, the nearest wins: an organization's own definition is what it means.
 */
export type UsableRoles = ReadonlyMap<string, RoleRecord>;

/**
 * The custom roles usable in organization `orgId`. Given `names` (the roles about to be
 * resolved), nothing is read when all of them are built in, the usual case.
 */
export async function usableRoles(data: Pick<HubRepositories, "roles" | "tenants">, orgId: string, names?: readonly string[]): Promise<UsableRoles> {
  if (names?.every(isKnownRole)) return new Map();
  const lineage = await lineageOf(data.tenants, orgId);
  const defined = await data.roles.definedBy(lineage);
  const usable = new Map<string, RoleRecord>();
  for (const org of lineage) {
    for (const role of defined) if (orgOfRole(role) === org && !usable.has(roleKey(role.name))) usable.set(roleKey(role.name), role);
  }
  return usable;
}

/** Everything the named roles allow, custom names matched ignoring case among `usable`; a name that is no role allows nothing. */
export function permissionsWith(names: readonly string[], usable: UsableRoles): Set<Permission> {
  const custom = [...usable.values()].map((role) => ({ name: role.name, permissions: role.permissions as Permission[] }));
  return permissionsOf(
    names.map((name) => (isKnownRole(name) ? name : (usable.get(roleKey(name))?.name ?? name))),
    custom,
  );
}
