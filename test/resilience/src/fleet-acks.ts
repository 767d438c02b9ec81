// Which of the fleet's agents have answered a push: where the push really is on the network,
// ahead of what the hub shows (the hub shows a result settled only once its write is on disk,
// and one write can land hundreds of answers at once: the fleet's agents share one process and
// answer in bursts).
import type { AgentLogger } from "@canopy/agent";

/** The agent's line for a batch it applied, flushed and answered (`content-sync.ts`). */
const ANSWERED = "content batch applied";

export class FleetAcks {
  readonly #byPush = new Map<string, Set<string>>();

  /**
   * A logger for one agent (`createAgent({ logger })`, the agent's documented seam) that notes
   * every push it sent an ack for; every other line is dropped, as by the default logger.
   */
  logger(dataDir: string): AgentLogger {
    const noop = (): void => {};
    return {
      debug: noop,
      warn: noop,
      error: noop,
      info: (bindings, message) => {
        const { pushId, acked } = bindings as { pushId?: unknown; acked?: unknown };
        if (message !== ANSWERED || typeof pushId !== "string" || acked !== true) return;
        let agents = this.#byPush.get(pushId);
        if (!agents) this.#byPush.set(pushId, (agents = new Set()));
        agents.add(dataDir);
      },
    };
  }

  /** How many agents have acknowledged at least one batch of the push. */
  agents(pushId: string): number {
    return this.#byPush.get(pushId)?.size ?? 0;
  }
}
