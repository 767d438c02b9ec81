import type { Store } from "@canopy/store";
import type { Clock } from "../../core/clock.js";
import { AuditLog } from "../audit-log.js";
import type { HubData, HubRepositories } from "../hub-data.js";
import { EmbeddedContent } from "../../content/embedded-content.js";
import { embeddedDashboards } from "../../dashboards/embedded-dashboards.js";
import { embeddedSavedSearches } from "../../saved-searches/embedded-saved-searches.js";
import { EmbeddedPushes } from "../../push/embedded-pushes.js";
import { EmbeddedTenantStates } from "../../push/embedded-tenant-states.js";
import { embeddedTenantSettings } from "../../settings/embedded-tenant-settings.js";
import { EmbeddedAgents } from "./embedded-agents.js";
import { embeddedApiKeys } from "./embedded-api-keys.js";
import { embeddedPairingCodes } from "./embedded-pairing-codes.js";
import { embeddedSessions } from "./embedded-sessions.js";
import { EmbeddedTenants } from "./embedded-tenants.js";
import { embeddedInvites } from "./embedded-invites.js";
import { embeddedRoles } from "./embedded-roles.js";
import { embeddedUsers } from "./embedded-users.js";

/**
 * The hub's repositories on the embedded store: in memory, durable with the store's next write.
 * A unit of work is the changes `work` makes and one `flush` (shared with whatever else is
 * waiting: group commit); a refused write rolls them back and `write` rejects. What a unit
 * reads for update stays locked until its write is done, as in a PostgreSQL transaction.
 */
export function createEmbeddedHubData(store: Store, clock: Clock): HubData {
  const audit = new AuditLog(store, clock);
  const agents = new EmbeddedAgents(store);
  const content = new EmbeddedContent(store);
  const repositories: HubRepositories = {
    tenants: new EmbeddedTenants(store, agents),
    agents,
    pairingCodes: embeddedPairingCodes(store),
    users: embeddedUsers(store),
    roles: embeddedRoles(store),
    invites: embeddedInvites(store),
    sessions: embeddedSessions(store),
    apiKeys: embeddedApiKeys(store),
    dashboards: embeddedDashboards(store),
    savedSearches: embeddedSavedSearches(store),
    content,
    pushes: new EmbeddedPushes(store),
    tenantStates: new EmbeddedTenantStates(store),
    tenantSettings: embeddedTenantSettings(store),
    audit: {
      async record(input) {
        audit.record(input);
      },
    },
  };
  return {
    ...repositories,
    async write(work) {
      const unit = content.newUnit();
      try {
        const value = await work({ ...repositories, content: content.forUnit(unit) });
        await store.flush();
        return value;
      } finally {
        await unit.releaseAll();
      }
    },
  };
}
