import type { AgentMessage } from "@canopy/protocol";
import { isoAt } from "../core/clock.js";

/** What the hub knows about a connected agent. Memory only: nothing here is written per beat. */
export interface LiveAgent {
  agentId: string;
  tenantId: string;
  sessionId: string;
  connectedAt: number;
  lastSeenAt: number;
  rttMs: number | null;
  agentVersion: string;
  hostname: string;
  platform: string;
}

/** Connected agents by agent id. */
export class Presence {
  readonly #live = new Map<string, LiveAgent>();

  get(agentId: string): LiveAgent | undefined {
    return this.#live.get(agentId);
  }

  /** A verified hello: the agent is connected on `sessionId` from `now`. */
  arrived(who: Pick<LiveAgent, "agentId" | "tenantId" | "sessionId">, hello: AgentMessage<"hello">, now: number): void {
    const { agentVersion, hostname, platform } = hello;
    this.#live.set(who.agentId, { ...who, connectedAt: now, lastSeenAt: now, rttMs: null, agentVersion, hostname, platform });
  }

  /** The agent disconnected: its entry, which leaves memory. */
  left(agentId: string): LiveAgent | undefined {
    const live = this.#live.get(agentId);
    this.#live.delete(agentId);
    return live;
  }

  update(agentId: string, change: Partial<Pick<LiveAgent, "lastSeenAt" | "rttMs">>): void {
    const live = this.#live.get(agentId);
    if (live) Object.assign(live, change);
  }

  /** The ids of the agents connected now. */
  connectedAgentIds(): ReadonlySet<string> {
    return new Set(this.#live.keys());
  }

  get size(): number {
    return this.#live.size;
  }
}

/** What is written about an agent when it disconnects. */
export function lastSeenOf(live: LiveAgent) {
  return { lastSeenAt: isoAt(live.lastSeenAt), agentVersion: live.agentVersion, hostname: live.hostname, platform: live.platform };
}
