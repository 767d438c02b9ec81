import type { Collection, Store } from "@canopy/store";
import { problems } from "../../core/problem-error.js";
import { orgOfUser } from "../user-roles.js";
import { Collections, type UserRecord } from "../records.js";
import type { UserRepository } from "../user-repository.js";

/** Users in the embedded store: one small collection, read from memory. */
export function embeddedUsers(store: Store): UserRepository {
  const users: Collection<UserRecord> = store.collection<UserRecord>(Collections.users);
  const byEmail = (email: string) => {
    const wanted = email.trim().toLowerCase();
    return users.find((user) => user.email === wanted);
  };
  return {
    get: async (id) => users.get(id),
    findByEmail: async (email) => byEmail(email),
    count: async () => users.size,
    async page({ orgIds, after, limit }) {
      return users
        .filter((user) => (orgIds === undefined || orgIds.has(orgOfUser(user))) && (after === undefined || user.email > after))
        .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
        .slice(0, limit + 1);
    },
    async insert(user) {
      if (byEmail(user.email)) throw problems.conflict("user_exists", `a user with the email ${user.email} exists`);
      users.put(user);
    },
    async update(user) {
      users.put(user);
    },
    delete: async (id) => users.delete(id),
    async recordLogin(id, at) {
      users.update(id, { lastLoginAt: at });
    },
  };
}
