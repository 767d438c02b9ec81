import type { Store } from "@canopy/store";
import type { AuditLog } from "../audit-log.js";
import type { HubData, HubRepositories } from "../hub-data.js";
import { embeddedApiKeys } from "./embedded-api-keys.js";
import { embeddedSessions } from "./embedded-sessions.js";
import { embeddedUsers } from "./embedded-users.js";

/**
 * The hub's repositories on the embedded store: in memory, durable with the store's next write.
 * A unit of work is the changes `work` makes and one `flush` (shared with whatever else is
 * waiting: group commit); a refused write rolls them back and `write` rejects.
 */
export function createEmbeddedHubData(store: Store, audit: AuditLog): HubData {
  const repositories: HubRepositories = {
    users: embeddedUsers(store),
    sessions: embeddedSessions(store),
    apiKeys: embeddedApiKeys(store),
    audit: {
      async record(input) {
        audit.record(input);
      },
    },
  };
  return {
    ...repositories,
    async write(work) {
      const value = await work(repositories);
      await store.flush();
      return value;
    },
  };
}
