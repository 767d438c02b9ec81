import { ROOT_ORG_ID, permissionsOf, type Permission } from "@canopy/api";
import type { ApiKeyRecord, RoleRecord, UserRecord } from "./records.js";

/** The roles a user holds: earlier versions kept one (`role`), this one a list. */
export const rolesOfUser = (user: UserRecord): string[] => user.roles ?? (user.role ? [user.role] : []);

/** The organization a user belongs to: users of earlier versions belong to the root. */
export const orgOfUser = (user: UserRecord): string => user.orgId ?? ROOT_ORG_ID;

export const rolesOfKey = (key: ApiKeyRecord): string[] => key.roles ?? (key.role ? [key.role] : []);

/** What the user may do with the custom roles there are now. A disabled user may do nothing. */
export function userPermissions(user: UserRecord, custom: readonly RoleRecord[]): Set<Permission> {
  if (user.disabled) return new Set();
  return permissionsOf(rolesOfUser(user), custom.map(customRole));
}

/** An API key does what its roles allow, and never more than its user may now. */
export function keyPermissions(key: ApiKeyRecord, owner: UserRecord | undefined, custom: readonly RoleRecord[]): Set<Permission> {
  const own = permissionsOf(rolesOfKey(key), custom.map(customRole));
  // Keys of earlier versions have no user: they keep what their role gave.
  if (key.userId === undefined) return own;
  const ceiling = owner ? userPermissions(owner, custom) : new Set<Permission>();
  return new Set([...own].filter((permission) => ceiling.has(permission)));
}

const customRole = (role: RoleRecord) => ({ name: role.name, permissions: role.permissions as Permission[] });
