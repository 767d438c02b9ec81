import type { HubData } from "../domain/hub-data.js";
import type { AgentRecord } from "../domain/records.js";

/**
 * Agents per unit of work. Each unit rewrites every agent shard it touches on the embedded store
 * (a turn's disconnects touch them all), so few and large: with 500 a unit, a stop with 10,000
 * connected spent most of its 12 s writing store partitions. On PostgreSQL 10,000 updates are
 * still one short transaction.
 */
const PER_WRITE = 10_000;

/**
 * When agents were last seen, written once per disconnect (principle 5: nothing per heartbeat)
 * and for many agents at once: the disconnects of one turn of the event loop — a hub stopping with
 * 10,000 connected, a network blip — are one unit of work, not one each.
 */
export class LastSeenWriter {
  readonly #data: HubData;
  readonly #perWrite: number;
  #pending = new Map<string, Partial<AgentRecord>>();
  #written: Promise<void> | undefined;

  constructor(data: HubData, perWrite = PER_WRITE) {
    this.#data = data;
    this.#perWrite = perWrite;
  }

  /** Resolves once this agent's last-seen is written with its turn's batch; rejects if that batch failed. */
  record(agentId: string, seen: Partial<AgentRecord>): Promise<void> {
    this.#pending.set(agentId, seen);
    this.#written ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#write());
    return this.#written;
  }

  async #write(): Promise<void> {
    // In one order: two batches in flight (a turn's disconnects while the last turn's are still
    // written) lock their agents on PostgreSQL in the same order, so neither waits on the other for ever.
    const batch = [...this.#pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#pending = new Map();
    this.#written = undefined;
    // A batch that fails does not keep the others from being written; the first failure is the answer.
    let failure: unknown;
    for (let from = 0; from < batch.length; from += this.#perWrite) {
      await this.#data
        .write(async (tx) => {
          for (const [agentId, seen] of batch.slice(from, from + this.#perWrite)) {
            const agent = await tx.agents.getForUpdate(agentId);
            if (agent) await tx.agents.update({ ...agent, ...seen });
          }
        })
        .catch((error: unknown) => (failure ??= error));
    }
    if (failure !== undefined) throw failure;
  }
}
