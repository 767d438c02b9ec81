import type { ContentRepository } from "../content/content-repository.js";
import type { DashboardRepository } from "../dashboards/dashboard-repository.js";
import type { SavedSearchRepository } from "../saved-searches/saved-search-repository.js";
import type { PushRepository } from "../push/push-repository.js";
import type { TenantStateRepository } from "../push/tenant-state-repository.js";
import type { TenantSettingsRepository } from "../settings/tenant-settings-repository.js";
import type { AgentRepository } from "./agent-repository.js";
import type { ApiKeyRepository } from "./api-key-repository.js";
import type { AuditEntryInput } from "./audit-log.js";
import type { PairingCodeRepository } from "./pairing-code-repository.js";
import type { SessionRepository } from "./session-repository.js";
import type { TenantRepository } from "./tenant-repository.js";
import type { InviteRepository } from "./invite-repository.js";
import type { RoleRepository } from "./role-repository.js";
import type { UserRepository } from "./user-repository.js";

/** An audit entry written with the change it records (same transaction). */
export interface AuditWriter {
  record(input: AuditEntryInput): Promise<void>;
}

/** The repositories a unit of work changes together. */
export interface HubRepositories {
  tenants: TenantRepository;
  agents: AgentRepository;
  pairingCodes: PairingCodeRepository;
  users: UserRepository;
  roles: RoleRepository;
  invites: InviteRepository;
  sessions: SessionRepository;
  apiKeys: ApiKeyRepository;
  dashboards: DashboardRepository;
  savedSearches: SavedSearchRepository;
  content: ContentRepository;
  pushes: PushRepository;
  tenantStates: TenantStateRepository;
  tenantSettings: TenantSettingsRepository;
  audit: AuditWriter;
}

/**
 * The hub's records behind async repositories, on the embedded store or PostgreSQL alike. Reads
 * go straight to the repositories; a change goes through `write`, which resolves once everything
 * `work` did is durable, together (one transaction on PostgreSQL; one store write, embedded),
 * and rejects, leaving none of it, when the write is refused. `work` checks before it changes
 * (on PostgreSQL a throw also rolls back; the embedded store keeps what was already put).
 */
export interface HubData extends HubRepositories {
  write<T>(work: (tx: HubRepositories) => Promise<T>): Promise<T>;
}
