import { join } from "node:path";
import type { HeldItem } from "@canopy/protocol";
import { waitFor, type ApiClient } from "@canopy/test-e2e/harness";
import type { FleetRequest, FleetStates } from "../src/fleet-protocol.js";
import { forkChild, type IpcChild } from "./children.js";

const PAIRING_CONCURRENCY = 50;

export interface FleetMember {
  tenantId: string;
  tenantName: string;
  dataDir: string;
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function eachLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await work(items[index]!, index);
      }
    }),
  );
  return out;
}

/** Hundreds of real agents (`createAgent`) in one child process (`src/fleet-main.ts`). */
export class AgentFleet {
  readonly members: FleetMember[] = [];
  private constructor(private readonly child: IpcChild<FleetRequest>) {}

  static start(): AgentFleet {
    return new AgentFleet(forkChild<FleetRequest>("fleet-main"));
  }

  /**
   * Creates `count` tenants through the API, pairs an agent for each (dialling `pairUrl`, which
   * may be a proxy in front of the hub) and starts them all; resolves once every one is online.
   */
  async add(api: ApiClient, pairUrl: string, root: string, count: number, prefix: string): Promise<FleetMember[]> {
    const base = this.members.length;
    // Each write the hub acknowledges waits for a (coalesced) flush: many in flight share each flush.
    const added = await eachLimited(Array.from({ length: count }, (_, i) => base + i), PAIRING_CONCURRENCY, async (n) => {
      const tenant = await api.createTenant(`${prefix} ${String(n).padStart(4, "0")}`);
      const { code } = await api.pairingCode(tenant.id);
      return { member: { tenantId: tenant.id, tenantName: tenant.name, dataDir: join(root, `agent-${n}`) }, code };
    });
    await this.child.request({ op: "pair", agents: added.map(({ member, code }) => ({ hubUrl: pairUrl, code, dataDir: member.dataDir })), concurrency: PAIRING_CONCURRENCY });
    const members = added.map((a) => a.member);
    this.members.push(...members);
    await this.child.request({ op: "start", dataDirs: members.map((m) => m.dataDir) });
    await this.waitOnline(60_000);
    return members;
  }

  states(): Promise<FleetStates> {
    return this.child.request({ op: "states" });
  }

  /** Waits until every agent of the fleet is online (welcomed by the hub). */
  waitOnline(timeoutMs: number): Promise<FleetStates> {
    return waitFor(
      `all ${this.members.length} fleet agents online`,
      async () => {
        const states = await this.states();
        return (states.byState.online ?? 0) === this.members.length ? states : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Stops every agent (their stores flushed and closed). */
  stop(): Promise<null> {
    return this.child.request({ op: "stop" });
  }

  /** How many of the fleet's agents have acknowledged at least one batch of the push (sent its ack). */
  acked(pushId: string): Promise<number> {
    return this.child.request({ op: "acked", pushId });
  }

  /** What each agent holds (`listContent`, the same as `canopy-agent content list --json`); call after `stop()`. */
  held(): Promise<Record<string, HeldItem[]>> {
    return this.child.request({ op: "held", dataDirs: this.members.map((m) => m.dataDir) });
  }

  close(): Promise<void> {
    return this.child.close();
  }
}
