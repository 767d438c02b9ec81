import type { AgentRecord } from "./records.js";

/** Where paired agents are kept. A revoked record stays forever, so its key can never get back in. */
export interface AgentRepository {
  get(id: string): Promise<AgentRecord | undefined>;
  /**
   * `get` for a change: inside a unit of work the record stays as read until it commits (on
   * PostgreSQL the row is locked), so a revocation and a last-seen write never undo each other.
   */
  getForUpdate(id: string): Promise<AgentRecord | undefined>;
  /** The tenant's one non-revoked agent, if any (locked for the unit of work, as `getForUpdate`). */
  activeFor(tenantId: string): Promise<AgentRecord | undefined>;
  /** Every non-revoked agent, by tenant id. */
  activeByTenant(): Promise<Map<string, AgentRecord>>;
  /** The agent that paired with this pairing code's id, if any. */
  pairedWith(pairingCode: string): Promise<AgentRecord | undefined>;
  /**
   * A tenant has at most one active agent: inserting a second is refused (409 `already_paired`);
   * revoke the old one first, in the same unit of work.
   */
  insert(agent: AgentRecord): Promise<void>;
  update(agent: AgentRecord): Promise<void>;
}

export const alreadyPaired = { code: "already_paired", detail: "another agent paired with this tenant at the same moment; pair again" };
