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

  set(live: LiveAgent): void {
    this.#live.set(live.agentId, live);
  }

  update(agentId: string, change: Partial<Pick<LiveAgent, "lastSeenAt" | "rttMs">>): void {
    const live = this.#live.get(agentId);
    if (live) Object.assign(live, change);
  }

  delete(agentId: string): void {
    this.#live.delete(agentId);
  }

  get size(): number {
    return this.#live.size;
  }
}
