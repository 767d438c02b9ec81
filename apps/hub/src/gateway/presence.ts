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
  /**
   * Agents gone whose last-seen write has not landed yet: the tenant shows offline at once, with
   * this last-seen time rather than the older one (or none) its record still holds.
   */
  readonly #leaving = new Map<string, LiveAgent>();

  get(agentId: string): LiveAgent | undefined {
    return this.#live.get(agentId);
  }

  /** A verified hello: the agent is connected on `sessionId` from `now`. */
  arrived(who: Pick<LiveAgent, "agentId" | "tenantId" | "sessionId">, hello: AgentMessage<"hello">, now: number): void {
    const { agentVersion, hostname, platform } = hello;
    this.#live.set(who.agentId, { ...who, connectedAt: now, lastSeenAt: now, rttMs: null, agentVersion, hostname, platform });
  }

  /** The agent disconnected: its entry, kept as `leaving` until `recorded`. */
  left(agentId: string): LiveAgent | undefined {
    const live = this.#live.get(agentId);
    this.#live.delete(agentId);
    if (live) this.#leaving.set(agentId, live);
    return live;
  }

  /** What a disconnected agent was like until its last-seen write lands (see `left`). */
  leaving(agentId: string): LiveAgent | undefined {
    return this.#leaving.get(agentId);
  }

  /** The write `left` asked for has ended (landed or failed): the record speaks for the agent again. */
  recorded(agentId: string, live: LiveAgent): void {
    if (this.#leaving.get(agentId) === live) this.#leaving.delete(agentId);
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
