import type { Store } from "@canopy/store";
import { Collections, type InviteRecord } from "../records.js";
import type { InviteRepository } from "../invite-repository.js";

/** One-time links in the embedded store. */
export function embeddedInvites(store: Store): InviteRepository {
  const invites = store.collection<InviteRecord>(Collections.invites);
  return {
    get: async (id) => invites.get(id),
    async insert(invite) {
      invites.put(invite);
    },
    delete: async (id) => invites.delete(id),
    async deleteForUser(userId) {
      const mine = invites.filter((invite) => invite.userId === userId);
      for (const invite of mine) invites.delete(invite.id);
      return mine.length;
    },
  };
}
