import { createMemoryStore } from "@canopy/store";
import type { AgentMessage } from "@canopy/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HubSocket } from "../link/hub-socket.js";
import { MAX_HOLD_MS, type InsightsHeld } from "./insight-outbox.js";
import { InsightSync } from "./insight-sync.js";
import { silentLogger } from "../core/logger.js";
import { sourceInsight } from "../../test/insights.js";

/** A socket that records the batches sent on it. */
function recordingSocket() {
  const sent: AgentMessage<"insights.upsert">[] = [];
  const socket = { isOpen: true, phase: "established", send: (message: AgentMessage<"insights.upsert">) => sent.push(message) > 0 } as unknown as HubSocket;
  return { socket, sent };
}

const sentIds = (sent: AgentMessage<"insights.upsert">[]) => sent.flatMap((m) => m.insights.map((i) => i.id));

/** Waits (on real time, with a deadline) until the assertion holds: the outbox writes to its store between steps. */
const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5_000, interval: 5 });

describe("insights held back by the hub (daily volume cap)", () => {
  afterEach(() => vi.useRealTimers());

  it("keeps a refused batch and every later insight, sends nothing while held, and sends them all on resume", async () => {
    const store = createMemoryStore();
    const changes: (InsightsHeld | null)[] = [];
    const sync = new InsightSync({ store, logger: silentLogger, onHeld: (held) => changes.push(held) });
    const { socket, sent } = recordingSocket();
    sync.welcomed(socket);
    await sync.ingest([sourceInsight("in-1")], "import");
    await until(() => expect(sent.map((m) => m.seq)).toEqual([1]));

    sync.outbox.refused(1, { reason: "daily_volume_cap", message: "daily insight volume reached", retryAfterMs: 5_000 });
    expect(sync.outbox.held).toMatchObject({ reason: "daily_volume_cap", message: "daily insight volume reached" });
    await sync.ingest([sourceInsight("in-2"), sourceInsight("in-3")], "import");
    // Held: the new ones wait, nothing more went out, the refused batch is still unacked.
    await until(() => expect(sync.outbox.queued).toBe(2));
    expect(sent).toHaveLength(1);
    expect(sync.outbox.unacked).toEqual([1]);

    sync.outbox.resume();
    expect(sync.outbox.held).toBeNull();
    await until(() => expect(new Set(sentIds(sent.slice(1)))).toEqual(new Set(["in-1", "in-2", "in-3"])));
    expect(sent[1]!.seq).toBe(1);
    for (const message of sent.slice(1)) sync.acked(message.seq);
    expect(sync.outbox.unacked).toEqual([]);
    expect(sync.outbox.queued).toBe(0);
    expect(changes.map((c) => c?.reason ?? null)).toEqual(["daily_volume_cap", null]);
    await sync.stop();
  });

  it("offers held batches again on its own once the hub's retry time is up, and after a reconnect", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = createMemoryStore();
    const sync = new InsightSync({ store, logger: silentLogger });
    const first = recordingSocket();
    sync.welcomed(first.socket);
    await sync.ingest([sourceInsight("in-1")], "import");
    await until(() => expect(first.sent.map((m) => m.seq)).toEqual([1]));
    sync.outbox.refused(1, { reason: "daily_volume_cap", message: "cap", retryAfterMs: 3 * MAX_HOLD_MS });
    // Never longer than MAX_HOLD_MS on its own clock, whatever the hub said.
    vi.advanceTimersByTime(MAX_HOLD_MS - 1);
    expect(sync.outbox.held).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(sync.outbox.held).toBeNull();
    await until(() => expect(first.sent.map((m) => m.seq)).toEqual([1, 1]));

    sync.outbox.refused(1, { reason: "daily_volume_cap", message: "cap", retryAfterMs: 60_000 });
    const second = recordingSocket();
    sync.welcomed(second.socket);
    expect(sync.outbox.held).toBeNull();
    await until(() => expect(second.sent.map((m) => m.seq)).toEqual([1]));
    await sync.stop();
  });
});

describe("retention at the agent", () => {
  it("deletes insights created before the retention the hub sets, keeps it on disk, and leaves newer ones", async () => {
    const store = createMemoryStore();
    const sync = new InsightSync({ store, logger: silentLogger });
    const day = 24 * 60 * 60 * 1000;
    const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
    await sync.ingest([sourceInsight("old-1", { createdAt: ago(400) }), sourceInsight("old-2", { createdAt: ago(31) }), sourceInsight("new-1", { createdAt: ago(29) })], "import");
    expect(sync.insights.size).toBe(3);

    await sync.retention.received(30);
    expect(sync.insights.list().map((i) => i.id)).toEqual(["new-1"]);
    // Kept: an agent restarted without the hub still applies it.
    expect(new InsightSync({ store, logger: silentLogger }).retention.retentionDays).toBe(30);

    await sync.retention.received(null);
    await sync.ingest([sourceInsight("old-3", { createdAt: ago(400) })], "import");
    expect(await sync.retention.purge()).toBe(0);
    expect(sync.insights.size).toBe(2);
    await sync.stop();
  });
});
