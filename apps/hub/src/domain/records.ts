/**
 * What the hub keeps in its store, one schema per collection; the types are inferred from them,
 * and the store checks every document against them when it opens (a wrong shape refuses to
 * start rather than answer 500 later). Timestamps are ISO strings so the JSON files stay
 * readable; secrets are only ever kept as hashes. Schemas check shape, not the limits input is
 * held to (tightening an input limit must not make old files unreadable).
 */

import { CAPABILITIES, RoleSchema } from "@canopy/api";
import { z } from "zod";

const nullableString = z.string().nullable();

export const UserRecord = z.object({
  id: z.string(),
  /** Lower-cased; unique. */
  email: z.string(),
  /** Earlier versions' single role; read as `roles: [role]` when `roles` is absent. */
  role: RoleSchema.optional(),
  roles: z.array(z.string()).optional(),
  /** The organization the user belongs to; absent: the root (users of earlier versions). */
  orgId: z.string().optional(),
  /** `scrypt$N$r$p$salt$hash`; null while an invitation is not accepted. */
  passwordHash: z.string().nullable(),
  disabled: z.boolean().optional(),
  lastLoginAt: z.string().optional(),
  createdAt: z.string(),
});
export type UserRecord = z.infer<typeof UserRecord>;

export const SessionRecord = z.object({
  /** SHA-256 (hex) of the session token: a stolen store file cannot be replayed as a cookie. */
  id: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

export const ApiKeyRecord = z.object({
  id: z.string(),
  name: z.string(),
  /** Earlier versions' single role; read as `roles: [role]` when `roles` is absent. */
  role: RoleSchema.optional(),
  roles: z.array(z.string()).optional(),
  /** The user the key acts for; absent for keys of earlier versions (root keys, as they were). */
  userId: z.string().optional(),
  /** SHA-256 (hex) of the secret part of the key. */
  secretHash: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** Written at most once a minute per key: a busy script must not write on every call. */
  lastUsedAt: z.string().optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

export const TenantRecord = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  /** null: a direct customer of the root. */
  parentId: nullableString,
  /** Absent (tenants of earlier versions): soar, siem and library without expiry. */
  capabilities: z.array(z.object({ name: z.enum(CAPABILITIES), expiresAt: nullableString })).optional(),
  /** Users of this organization who own it (each holds *Manage organization*). */
  ownerIds: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TenantRecord = z.infer<typeof TenantRecord>;

export const AgentRecord = z.object({
  id: z.string(),
  tenantId: z.string(),
  /** Raw Ed25519 public key, base64url: the only thing the hub knows about the agent's key. */
  publicKey: z.string(),
  hostname: z.string(),
  platform: z.string(),
  agentVersion: z.string(),
  pairedAt: z.string(),
  /** Set once, never cleared: a revoked key is refused forever. */
  revokedAt: nullableString,
  revokedBy: nullableString,
  revokedReason: nullableString,
  /** Persisted on disconnect only; the live value is in memory while connected. */
  lastSeenAt: nullableString,
  /**
   * The id (HMAC) of the pairing code it paired with: the code itself is deleted once used, and
   * a replay is still told "already used". Absent for agents paired by older versions.
   */
  pairingCode: z.string().optional(),
});
export type AgentRecord = z.infer<typeof AgentRecord>;

export const PairingCodeRecord = z.object({
  /** HMAC-SHA256 (hex) of the normalised code under the hub's pairing secret. */
  id: z.string(),
  tenantId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: nullableString,
  agentId: nullableString,
});
export type PairingCodeRecord = z.infer<typeof PairingCodeRecord>;

export const AuditRecord = z.object({
  id: z.string(),
  at: z.string(),
  /** Who: a user's email, `api-key:<name>`, `agent:<agentId>` or `system`. */
  actor: z.string(),
  /** What, as `domain.verb`: `tenant.create`, `agent.pair`, … */
  action: z.string(),
  /** What it was done to, as `kind:id`, or null. */
  target: nullableString,
  /** Non-secret particulars. */
  detail: z.record(z.string(), z.unknown()),
  /** The organization the change concerns; absent: the root (and entries of earlier versions). */
  orgId: z.string().optional(),
  /** The caller's network address, when a request made the change. */
  address: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/**
 * `meta` documents: the audit log's partitions. `months` (`YYYY-MM`, ascending) are the month
 * partitions older versions wrote, read but never written again; `days` (`YYYY-MM-DD`,
 * ascending) the day partitions written since (each day's chunks are found by probing).
 */
export const MetaRecord = z.object({ id: z.literal("audit-partitions"), months: z.array(z.string()), days: z.array(z.string()).default([]) });
export type MetaRecord = z.infer<typeof MetaRecord>;

/**
 * A custom role: a name and the permissions it gives, defined by one organization (`orgId`;
 * absent in earlier versions' records: the root's). Names are unique within an organization,
 * ignoring case; `id` is the lower-cased name, after `orgId:` for an organization other than the root.
 */
export const RoleRecord = z.object({
  id: z.string(),
  name: z.string(),
  orgId: z.string().optional(),
  permissions: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type RoleRecord = z.infer<typeof RoleRecord>;

/**
 * A one-time link that sets a user's password: an invitation or a reset. Only the token's
 * SHA-256 is kept; using it deletes it.
 */
export const InviteRecord = z.object({
  id: z.string(),
  userId: z.string(),
  kind: z.enum(["invite", "reset"]),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type InviteRecord = z.infer<typeof InviteRecord>;

export const Collections = {
  users: "users",
  roles: "roles",
  invites: "invites",
  sessions: "sessions",
  apiKeys: "api-keys",
  tenants: "tenants",
  agents: "agents",
  pairingCodes: "pairing-codes",
  meta: "meta",
} as const;

/**
 * Tenants and agents are each spread over this many shards (`tenants.<n>`, `agents.<n>`), so a
 * change to one rewrites its shard: ~40 documents at 10,000 tenants (~8 KB of tenants, ~14 KB of
 * agents), small beside the audit chunk a pairing also writes, so pairing the 10,000th agent
 * writes about what pairing the 100th does (64 shards would make it ~2×: pairing-write-cost.test.ts).
 */
export const TENANT_SHARDS = 256;
export const AGENT_SHARDS = 256;

/**
 * An audit partition: `audit.YYYY-MM` (a month, as older versions wrote), `audit.YYYY-MM-DD`
 * (a day's first chunk) or `audit.YYYY-MM-DD.<n>` (its chunk n ≥ 1, once the previous ones are full).
 */
export const auditCollection = (period: string, chunk = 0): string => (chunk === 0 ? `audit.${period}` : `audit.${period}.${chunk}`);
