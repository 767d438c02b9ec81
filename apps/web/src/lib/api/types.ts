// Wire shapes of the hub's public HTTP API (`/api/v1`), as the UI reads them. Dates arrive as ISO
// strings. The hub's OpenAPI document (`/api/v1/openapi.json`) is the source of truth.

export type Role = "admin" | "operator" | "viewer";

export interface User {
  id: string;
  /** null for API keys; a signed-in person always has one. */
  email: string | null;
  role: Role;
}

export type TenantStatus = "online" | "offline" | "unpaired";

export interface Tenant {
  id: string;
  name: string;
  description: string;
  tags: string[];
  parentId: string | null;
  status: TenantStatus;
  lastSeenAt: string | null;
  agentVersion: string | null;
  rttMs: number | null;
  hostname: string | null;
  pairedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TenantInput {
  name: string;
  description: string;
  tags: string[];
}

export interface PairingCode {
  code: string;
  expiresAt: string;
  /** The exact agent command; older hubs may omit it, then the UI builds it from its origin. */
  command?: string;
}

export interface PingResult {
  rttMs: number;
  agentVersion: string | null;
}

export interface HeldItem {
  kind: string;
  name: string;
  revision: number;
  hash: string;
}

/** `system.info` as the agent answers it (see @canopy/protocol `SystemInfo`). */
export interface SystemInfo {
  hostname: string;
  platform: string;
  arch: string;
  osRelease: string;
  agentVersion: string;
  nodeVersion: string;
  pid: number;
  startedAt: string;
  uptimeSec: number;
  connectedSince: string | null;
  memoryRssBytes: number;
  holds: {
    content: HeldItem[];
    insights: { count: number };
  };
}

export interface ConnectInfo {
  tenantId: string;
  fetchedAt: string;
  info: SystemInfo;
}
