import type { ApplyResult, HubMessage } from "@canopy/protocol";
import type { Hub } from "../src/hub.js";
import { FakeAgent, pairThroughApi } from "./fake-agent.js";
import type { Caller } from "./helpers.js";

/**
 * A paired agent on the real gateway (AgentSession over a FakeConnection) that answers
 * `content.apply` like the real agent: everything applied, except names in `refuse`.
 */
export class GatewayContentAgent {
  readonly refuse = new Set<string>();

  private constructor(
    readonly agent: FakeAgent,
    readonly tenantId: string,
  ) {}

  static async connect(hub: Hub, staff: Caller, tenantId: string): Promise<GatewayContentAgent> {
    const identity = await pairThroughApi(hub, staff, tenantId);
    const agent = new FakeAgent(await hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    agent.send({ type: "content.manifest", items: [] });
    return new GatewayContentAgent(agent, tenantId);
  }

  /** The `content.apply` frames received so far. */
  batches(): HubMessage<"content.apply">[] {
    return this.agent.connection.sent.filter((m): m is HubMessage<"content.apply"> => m.type === "content.apply");
  }

  /** Acknowledges every batch not answered yet; returns how many it answered. */
  ackAll(answered = new Set<string>()): number {
    let count = 0;
    for (const batch of this.batches()) {
      if (answered.has(batch.batchId)) continue;
      answered.add(batch.batchId);
      const results: ApplyResult[] = batch.items.map((item) => ({
        kind: item.kind,
        name: item.name,
        revision: item.revision,
        hash: item.hash,
        ...(this.refuse.has(item.name) ? { status: "failed" as const, error: `refused ${item.name}` } : { status: "applied" as const }),
      }));
      this.agent.send({ type: "content.ack", batchId: batch.batchId, results });
      count++;
    }
    return count;
  }
}

type ServerEvent = { event: string; data: unknown };

/** The server-sent events of a streaming response, read as far as a test needs, in steps. */
export function eventStream(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: ServerEvent[] = [];
  return {
    events,
    /** Reads until `until(events)` holds, the stream ends or time runs out; resolves with every event read so far. */
    async readUntil(until: (events: ServerEvent[]) => boolean, timeoutMs = 3000): Promise<ServerEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (!until(events) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = text.indexOf("\n\n")) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
      return events;
    },
    close: () => reader.cancel(),
  };
}

/** Reads server-sent events from a streaming response until `until` says stop (or time runs out). */
export async function readEvents(res: Response, until: (events: ServerEvent[]) => boolean, timeoutMs = 3000) {
  const stream = eventStream(res);
  try {
    return await stream.readUntil(until, timeoutMs);
  } finally {
    await stream.close();
  }
}

/** Until the hub's push engine has flushed and published everything. */
export async function settled(hub: Hub): Promise<void> {
  const { pushes } = await hub.services();
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await pushes.publisher.idle();
  }
}
