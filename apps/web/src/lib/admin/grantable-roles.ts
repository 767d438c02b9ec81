import type { Permission, RoleInfo } from "$lib/api";
import type { OrgEntry } from "./org-directory";

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

/** Organization `orgId` and those above it in the tree one works in (`orgs`), nearest first. */
export function pathUp(orgId: string, orgs: readonly OrgEntry[]): string[] {
  const path: string[] = [];
  for (let at = orgs.find((org) => org.id === orgId); at && !path.includes(at.id); at = orgs.find((org) => org.id === at!.parentId)) path.push(at.id);
  return path;
}

/**
 * The roles usable in an organization as the hub resolves them: built-in ones, custom ones
 * defined along `path` (the organization and those above it up to the one worked in, see
 * `pathUp`; empty: the one worked in) and those the hub marks `usable` (defined where one works
 * or above). One per name: the nearest definition, which is what the name means there.
 */
export function usableIn(roles: readonly RoleInfo[], path: readonly string[]): RoleInfo[] {
  const nearness = (role: RoleInfo) => (role.orgId !== undefined && path.includes(role.orgId) ? path.indexOf(role.orgId) : path.length);
  const custom = roles.filter((role) => !role.builtIn && (role.usable === true || (role.orgId !== undefined && path.includes(role.orgId))));
  // The hub lists the usable ones nearest first: a stable sort keeps that order behind the path's.
  custom.sort((a, b) => nearness(a) - nearness(b));
  const seen = new Set<string>();
  const nearest = custom.filter((role) => {
    const key = role.name.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [...roles.filter((role) => role.builtIn), ...nearest];
}
