import { ROOT_ORG_ID, type Permission } from "@canopy/api";
import type { ApiKeyRecord, UserRecord } from "./records.js";
import { permissionsWith, type UsableRoles } from "./usable-roles.js";

/** The roles a user holds: earlier versions kept one (`role`), this one a list. */
export const rolesOfUser = (user: UserRecord): string[] => user.roles ?? (user.role ? [user.role] : []);

/** The organization a user belongs to: users of earlier versions belong to the root. */
export const orgOfUser = (user: UserRecord): string => user.orgId ?? ROOT_ORG_ID;

export const rolesOfKey = (key: ApiKeyRecord): string[] => key.roles ?? (key.role ? [key.role] : []);

/** What the user may do, with the custom roles usable in their organization now. A disabled user may do nothing. */
export function userPermissions(user: UserRecord, usable: UsableRoles): Set<Permission> {
  if (user.disabled) return new Set();
  return permissionsWith(rolesOfUser(user), usable);
}

/** An API key does what its roles allow (in its user's organization), and never more than its user may now. */
export function keyPermissions(key: ApiKeyRecord, owner: UserRecord | undefined, usable: UsableRoles): Set<Permission> {
  const own = permissionsWith(rolesOfKey(key), usable);
  // Keys of earlier versions have no user: they keep what their role gave.
  if (key.userId === undefined) return own;
  const ceiling = owner ? userPermissions(owner, usable) : new Set<Permission>();
  return new Set([...own].filter((permission) => ceiling.has(permission)));
}
