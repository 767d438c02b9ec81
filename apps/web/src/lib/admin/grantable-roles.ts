import type { Permission, RoleInfo } from "$lib/api";

/**
 * The roles one may give (to a user or an API key): none that allows more than one may oneself,
 * as the hub refuses. Earlier versions' aliases are left out: each is a built-in role by another name.
 */
export function grantableRoles(roles: readonly RoleInfo[], mine: readonly Permission[]): RoleInfo[] {
  const held = new Set(mine);
  return roles.filter((role) => !role.alias && role.permissions.every((permission) => held.has(permission)));
}

/** Every permission any role names, in the hub's order (what a custom role may be made of). */
export function allPermissions(roles: readonly RoleInfo[]): Permission[] {
  return [...new Set(roles.flatMap((role) => role.permissions))];
}
