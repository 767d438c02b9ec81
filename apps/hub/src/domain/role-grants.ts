import { isKnownRole, noStrongerThan, type Permission } from "@canopy/api";
import { problems } from "../core/problem-error.js";
import type { HubRepositories } from "./hub-data.js";
import { roleKey } from "./role-repository.js";
import { permissionsWith, usableRoles } from "./usable-roles.js";

/**
 * Checks roles someone gives (to a user or an API key) of organization `orgId`: each must be
 * usable there (built in, or defined by it or an organization above it), and together they may
 * allow no more than the giver may, so no one can make an account stronger than themselves.
 * Answers the permissions they allow. `path` names the field in a refusal.
 */
export async function checkGrant(
  data: Pick<HubRepositories, "roles" | "tenants">,
  roles: readonly string[],
  giver: ReadonlySet<Permission>,
  path: string,
  orgId: string,
): Promise<Set<Permission>> {
  const usable = await usableRoles(data, orgId, roles);
  const unknown = roles.filter((name) => !isKnownRole(name) && !usable.has(roleKey(name)));
  if (unknown.length > 0) {
    throw problems.invalid([{ path, message: `no role named ${unknown.map((name) => `"${name}"`).join(", ")} is usable in organization ${orgId}` }]);
  }
  const allowed = permissionsWith(roles, usable);
  if (!noStrongerThan(allowed, giver)) {
    const beyond = [...allowed].filter((permission) => !giver.has(permission));
    throw problems.invalid([{ path, message: `these roles allow more than yours do (${beyond.join(", ")})` }]);
  }
  return allowed;
}
