import type { HeldItem } from "@canopy/protocol";

/** One agent to pair: the code comes from the hub's API, the data dir is the agent's home. */
export interface FleetPairing {
  hubUrl: string;
  code: string;
  dataDir: string;
}

/** What the test asks of the fleet process (over the child's IPC channel), one request per id. */
export type FleetRequest =
  | { id: number; op: "pair"; agents: FleetPairing[]; concurrency: number }
  | { id: number; op: "start"; dataDirs: string[] }
  | { id: number; op: "states" }
  | { id: number; op: "stop" }
  | { id: number; op: "held"; dataDirs: string[] }
  | { id: number; op: "acked"; pushId: string };

export interface FleetStates {
  /** Agents per state (`online`, `connecting`, `offline`, …). */
  byState: Record<string, number>;
  /** `online` events since start, over every agent: first connections plus every reconnection. */
  onlineEvents: number;
  /** `offline` events since start, over every agent. */
  offlineEvents: number;
}

export interface FleetResults {
  pair: null;
  start: null;
  states: FleetStates;
  stop: null;
  held: Record<string, HeldItem[]>;
  /** Agents that have acknowledged at least one batch of the push (`FleetAcks`). */
  acked: number;
}

export type FleetResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
