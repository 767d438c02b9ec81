import type { Store } from "@canopy/store";
import { problems } from "../../core/problem-error.js";
import { Collections, type RoleRecord } from "../records.js";
import { compareRoles, orgOfRole, roleKey, type RoleRepository } from "../role-repository.js";

/** Custom roles in the embedded store: a few documents, read from memory. */
export function embeddedRoles(store: Store): RoleRepository {
  const roles = store.collection<RoleRecord>(Collections.roles);
  // By organization and key, not by id: a root role's name may itself look like `org:name`.
  const find = (orgId: string, name: string) => roles.find((role) => orgOfRole(role) === orgId && roleKey(role.name) === roleKey(name));
  return {
    get: async (orgId, name) => find(orgId, name),
    async definedBy(orgIds) {
      const wanted = orgIds === null ? null : new Set(orgIds);
      return roles.filter((role) => wanted === null || wanted.has(orgOfRole(role))).sort(compareRoles);
    },
    countOf: async (orgId) => roles.filter((role) => orgOfRole(role) === orgId).length,
    async insert(role) {
      if (find(orgOfRole(role), role.name) || roles.get(role.id)) throw problems.conflict("role_exists", `a role named "${role.name}" exists`);
      roles.put(role);
    },
    async delete(orgId, name) {
      const role = find(orgId, name);
      return role !== undefined && roles.delete(role.id);
    },
    async deleteAllOf(orgId) {
      const mine = roles.filter((role) => orgOfRole(role) === orgId);
      for (const role of mine) roles.delete(role.id);
      return mine.length;
    },
  };
}
