import type { Store } from "@canopy/store";
import { problems } from "../../core/problem-error.js";
import { Collections, type RoleRecord } from "../records.js";
import { roleKey, type RoleRepository } from "../role-repository.js";

/** Custom roles in the embedded store: a few documents, read from memory. */
export function embeddedRoles(store: Store): RoleRepository {
  const roles = store.collection<RoleRecord>(Collections.roles);
  return {
    get: async (name) => roles.get(roleKey(name)),
    all: async () => roles.all().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    async insert(role) {
      if (roles.get(role.id)) throw problems.conflict("role_exists", `a role named "${role.name}" exists`);
      roles.put(role);
    },
    delete: async (name) => roles.delete(roleKey(name)),
  };
}
