/** What the scale suite asks a fleet process (fleet.ts); each answered once, by `id`. */
export type FleetCommand = { id: number } & (
  | { cmd: "pair"; hubUrl: string; dir: string; from: number; count: number; concurrency: number; timeoutMs: number; reconnectMaxMs?: number | undefined }
  /** Counts `online` events from now (a hub restart is coming). */
  | { cmd: "mark-online" }
  /** Every agent online again since `mark-online` (or one gave up). */
  | { cmd: "await-online"; timeoutMs: number }
  /** `expected`: `kind:name` → hash; checked in the agents of `tenantIds`. */
  | { cmd: "verify-hashes"; tenantIds: string[]; expected: Record<string, string> }
  /** Every agent stops (closes 1000). */
  | { cmd: "leave" }
  /** New agents on the same data dirs start and come online. */
  | { cmd: "rejoin"; timeoutMs: number }
  | { cmd: "bare-connect"; url: string; from: number; count: number }
  | { cmd: "bare-await-open"; count: number; timeoutMs: number }
  | { cmd: "bare-close" }
  | { cmd: "bare-pair-pattern"; url: string; count: number; concurrency: number }
  | { cmd: "usage" }
  | { cmd: "exit" }
);

export type FleetRequest = FleetCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

export interface PairedTenant {
  index: number;
  tenantId: string;
}

export interface HashCheck {
  agents: number;
  matched: number;
  missing: number;
  wrong: number;
}

export interface FleetUsage {
  rss: number;
  /** After a full GC. */
  heapUsed: number;
  cpuMs: number;
  agents: number;
  bare: number;
}
