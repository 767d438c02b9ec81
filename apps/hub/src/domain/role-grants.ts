import { isKnownRole, noStrongerThan, permissionsOf, type Permission } from "@canopy/api";
import { problems } from "../core/problem-error.js";
import type { HubRepositories } from "./hub-data.js";
import type { RoleRecord } from "./records.js";

const customRole = (role: RoleRecord) => ({ name: role.name, permissions: role.permissions as Permission[] });

/**
 * Checks roles someone gives (to a user or an API key): each must exist, and together they may
 * allow no more than the giver may, so no one can make an account stronger than themselves.
 * Answers the permissions they allow. `path` names the field in a refusal.
 */
export async function checkGrant(
  data: Pick<HubRepositories, "roles">,
  roles: readonly string[],
  giver: ReadonlySet<Permission>,
  path: string,
): Promise<Set<Permission>> {
  const custom = roles.every(isKnownRole) ? [] : await data.roles.all();
  const unknown = roles.filter((name) => !isKnownRole(name) && !custom.some((role) => role.id === name.toLowerCase()));
  if (unknown.length > 0) throw problems.invalid([{ path, message: `no role named ${unknown.map((name) => `"${name}"`).join(", ")}` }]);
  // Custom roles are matched ignoring case; the permission sets use their stored names.
  const named = roles.map((name) => custom.find((role) => role.id === name.toLowerCase())?.name ?? name);
  const allowed = permissionsOf(named, custom.map(customRole));
  if (!noStrongerThan(allowed, giver)) {
    const beyond = [...allowed].filter((permission) => !giver.has(permission));
    throw problems.invalid([{ path, message: `these roles allow more than yours do (${beyond.join(", ")})` }]);
  }
  return allowed;
}
