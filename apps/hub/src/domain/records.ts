/**
 * What the hub keeps in its store, one interface per collection. Timestamps are ISO strings so
 * the JSON files stay readable; secrets are only ever kept as hashes.
 */

import type { Role } from "@canopy/api";

export interface UserRecord {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` */
  passwordHash: string;
  createdAt: string;
}

export interface SessionRecord {
  /** SHA-256 (hex) of the session token: a stolen store file cannot be replayed as a cookie. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 (hex) of the secret part of the key. */
  secretHash: string;
  createdBy: string;
  createdAt: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  description: string;
  tags: string[];
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentRecord {
  id: string;
  tenantId: string;
  /** Raw Ed25519 public key, base64url: the only thing the hub knows about the agent's key. */
  publicKey: string;
  hostname: string;
  platform: string;
  agentVersion: string;
  pairedAt: string;
  /** Set once, never cleared: a revoked key is refused forever. */
  revokedAt: string | null;
  revokedBy: string | null;
  revokedReason: string | null;
  /** Persisted on disconnect only; the live value is in memory while connected. */
  lastSeenAt: string | null;
}

export interface PairingCodeRecord {
  /** HMAC-SHA256 (hex) of the normalised code under the hub's pairing secret. */
  id: string;
  tenantId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  agentId: string | null;
}

export interface AuditRecord {
  id: string;
  at: string;
  /** Who: a user's email, `api-key:<name>`, `agent:<agentId>` or `system`. */
  actor: string;
  /** What, as `domain.verb`: `tenant.create`, `agent.pair`, … */
  action: string;
  /** What it was done to, as `kind:id`, or null. */
  target: string | null;
  /** Non-secret particulars. */
  detail: Record<string, unknown>;
}

export const Collections = {
  users: "users",
  sessions: "sessions",
  apiKeys: "api-keys",
  tenants: "tenants",
  agents: "agents",
  pairingCodes: "pairing-codes",
  meta: "meta",
} as const;
