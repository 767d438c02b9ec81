import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeAgentMessage, Insight, MAX_AGENT_FRAME_BYTES, type AgentMessage, type InsightUpdateRequest } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { manyInsights, sourceInsight, storeInsights } from "../../test/insights.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgentRuntime } from "../runtime/agent.js";
import { listInsights } from "../cli/local-data.js";
import type { Agent } from "../core/types.js";

async function outboxOnDisk(dataDir: string): Promise<{ kind: string; seq?: number; lastSeq?: number; insightIds?: string[] }[]> {
  try {
    return Object.values(JSON.parse(await readFile(join(dataDir, "state", "insight-outbox.json"), "utf8")).docs);
  } catch {
    return [];
  }
}

function update(insightId: string, changes: InsightUpdateRequest["changes"], updateId = `up-${Math.random().toString(36).slice(2)}`): InsightUpdateRequest {
  return { updateId, insightId, changes, actor: "alex.morgan@mssp.example", requestedAt: new Date() };
}

describe("insights on the agent: outbox, updates, insight.get", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent | undefined;

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await seedPairedAgent(dataDir, hub);
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await hub.close();
    await cleanup();
  });

  async function startAgent(options: { outboxWindow?: number } = {}): Promise<FakeConnection> {
    agent = createAgentRuntime({ dataDir, reconnectMaxMs: 50, driftScanMs: 0, ...options });
    const after = hub.connections.length;
    await agent.start();
    const connection = await hub.nextConnection(3000, after);
    await agent.waitFor("online", 3000);
    return connection;
  }

  it("sends stored insights in numbered batches of at most 500 and drops each batch on its ack", async () => {
    await storeInsights(dataDir, manyInsights(1200));
    const connection = await startAgent();
    const first = await connection.next("insights.upsert", (m) => m.seq === 3, 5000);
    const batches = connection.upserts();
    expect(batches.map((b) => [b.seq, b.insights.length])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(first.insights.every((i) => i.revision === 1 && i.createdAt instanceof Date)).toBe(true);
    expect(new Set(batches.flatMap((b) => b.insights.map((i) => i.id))).size).toBe(1200);
    expect((await outboxOnDisk(dataDir)).filter((d) => d.kind === "batch").map((d) => d.seq)).toEqual([1, 2, 3]);

    for (const seq of [1, 2, 3]) connection.ackInsights(seq);
    await expect.poll(async () => (await outboxOnDisk(dataDir)).filter((d) => d.kind !== "seq"), { timeout: 3000 }).toEqual([]);
    expect((await outboxOnDisk(dataDir)).find((d) => d.kind === "seq")?.lastSeq).toBe(3);
  });

  it("keeps at most a few unacked batches in flight and sends the next on each ack", async () => {
    await storeInsights(dataDir, manyInsights(2000)); // four batches of 500
    const connection = await startAgent({ outboxWindow: 2 });
    await connection.next("insights.upsert", (m) => m.seq === 2);
    connection.ackInsights(1);
    await connection.next("insights.upsert", (m) => m.seq === 3);
    // stop() waits for a batch being formed, and every batch is on disk before it is sent: what
    // the outbox holds now is all it ever formed. Two unacked, the fourth never formed.
    await agent!.stop();
    expect(connection.upserts().map((b) => b.seq)).toEqual([1, 2, 3]);
    const outbox = await outboxOnDisk(dataDir);
    expect(outbox.filter((d) => d.kind === "batch").map((d) => d.seq)).toEqual([2, 3]);
    expect(outbox.find((d) => d.kind === "seq")?.lastSeq).toBe(3);
    expect(outbox.filter((d) => d.kind === "queued")).toHaveLength(500);
  });

  it("resends every unacked batch after a reconnect, with the same seq and the current documents", async () => {
    await storeInsights(dataDir, manyInsights(3));
    const first = await startAgent();
    const sent = await first.next("insights.upsert");
    expect(sent.seq).toBe(1);
    // The analyst closes one before the hub acked: revision 2 goes out as batch 2.
    first.send({ type: "insight.update", updates: [update("in-00002", { status: "closed" })] });
    await first.next("insights.upsert", (m) => m.seq === 2);

    first.close(1001, "hub going away");
    const second = await hub.nextConnection(3000, 1);
    const resent = await second.next("insights.upsert", (m) => m.seq === 1);
    expect(resent.insights.map((i) => i.id)).toEqual(["in-00001", "in-00002", "in-00003"]);
    expect(resent.insights.find((i) => i.id === "in-00002")).toMatchObject({ status: "closed", revision: 2 });
    await second.next("insights.upsert", (m) => m.seq === 2);
    expect(second.upserts().map((b) => b.seq)).toEqual([1, 2]);

    second.ackInsights(1);
    second.ackInsights(2);
    await expect.poll(async () => (await outboxOnDisk(dataDir)).filter((d) => d.kind === "batch"), { timeout: 3000 }).toEqual([]);
  });

  it("loses nothing when stopped between send and ack, and never reuses a seq after a restart", async () => {
    await storeInsights(dataDir, manyInsights(2));
    const first = await startAgent();
    expect((await first.next("insights.upsert")).seq).toBe(1);
    await agent!.stop();

    const second = await startAgent();
    const again = await second.next("insights.upsert");
    expect(again.seq).toBe(1);
    expect(again.insights.map((i) => i.id)).toEqual(["in-00001", "in-00002"]);
    second.ackInsights(1);
    await expect.poll(async () => (await outboxOnDisk(dataDir)).filter((d) => d.kind === "batch"), { timeout: 3000 }).toEqual([]);
    await agent!.stop();

    const third = await startAgent();
    await agent!.ingestInsights([sourceInsight("in-00003")]);
    const next = await third.next("insights.upsert");
    expect(next.seq).toBe(2);
    expect(next.insights.map((i) => i.id)).toEqual(["in-00003"]);
  });

  it("keeps every batch under the 4 MiB frame limit, splitting big insights over more batches", async () => {
    const description = "x".repeat(16_000);
    await storeInsights(dataDir, manyInsights(600, "big", { description }));
    hub.options.ackInsights = true;
    const connection = await startAgent();
    await expect.poll(() => hub.insights.size, { timeout: 10_000 }).toBe(600);
    const batches = connection.upserts();
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches) {
      expect(batch.insights.length).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(encodeAgentMessage(batch))).toBeLessThan(MAX_AGENT_FRAME_BYTES);
    }
  });

  it("applies insight.update, stores it, and acks with the insight after the change", async () => {
    await storeInsights(dataDir, [sourceInsight("in-1"), sourceInsight("in-2")]);
    hub.options.ackInsights = true;
    const connection = await startAgent();
    await expect.poll(() => hub.insights.size).toBe(2);

    const comment = { id: "cm-1", author: "alex.morgan@mssp.example", body: "Looking into it", at: new Date("2030-01-02T09:00:00Z") };
    const requests = [
      update("in-1", { status: "closed", assignee: "alex.morgan@mssp.example", comment }, "u1"),
      update("in-404", { status: "closed" }, "u2"),
    ];
    // What the ack says must already be on disk when it arrives.
    let onDisk: Awaited<ReturnType<typeof listInsights>> = [];
    const seen = new Promise<void>((resolve) =>
      connection.observers.push((m) => {
        if (m.type === "insight.update.ack") void listInsights({ dataDir }).then((list) => ((onDisk = list), resolve()));
      }),
    );
    connection.send({ type: "insight.update", updates: requests });
    const ack = await connection.next("insight.update.ack");
    await seen;
    expect(ack.results.map((r) => [r.updateId, r.ok, r.error])).toEqual([
      ["u1", true, undefined],
      ["u2", false, "not_found"],
    ]);
    const after = Insight.parse(ack.results[0]!.insight);
    expect(after).toMatchObject({ id: "in-1", status: "closed", assignee: "alex.morgan@mssp.example", revision: 2 });
    expect(after.closedAt).toBeInstanceOf(Date);
    expect(after.comments).toEqual([comment]);
    expect(onDisk.find((i) => i.id === "in-1")).toMatchObject({ status: "closed", revision: 2, closedAt: after.closedAt!.toISOString() });
    // The change also travels through the outbox.
    await expect.poll(() => hub.insights.get("in-1")?.revision).toBe(2);

    // Resent (the ack was lost): same answer, nothing changes twice.
    connection.send({ type: "insight.update", updates: [requests[0]!] });
    const again = await connection.next("insight.update.ack", (m) => m !== ack);
    expect(again.results[0]).toMatchObject({ updateId: "u1", ok: true, insight: { revision: 2, comments: [comment] } });

    // Reopened: closedAt cleared.
    connection.send({ type: "insight.update", updates: [update("in-1", { status: "in_progress", assignee: null }, "u3")] });
    const reopened = await connection.next("insight.update.ack", (m) => m.results[0]?.updateId === "u3");
    expect(reopened.results[0]!.insight).toMatchObject({ status: "in_progress", closedAt: null, assignee: null, revision: 3 });
    expect((await listInsights({ dataDir })).find((i) => i.id === "in-1")).toMatchObject({ status: "in_progress", closedAt: null, revision: 3 });
  });

  it("answers rpc insight.get with the insight as held now, or found: false", async () => {
    await storeInsights(dataDir, [sourceInsight("in-1", { fields: { process: "C:\\Windows\\System32\\procdump.exe" } })]);
    const connection = await startAgent();
    connection.send({ type: "rpc.req", id: "r1", method: "insight.get", params: { id: "in-1" } });
    const found = await connection.next("rpc.res", (m) => m.id === "r1");
    expect(found.ok).toBe(true);
    const result = found.result as { found: boolean; insight: Insight };
    expect(result.found).toBe(true);
    expect(result.insight).toMatchObject({ id: "in-1", revision: 1, fields: { process: "C:\\Windows\\System32\\procdump.exe" } });
    expect(result.insight.createdAt).toEqual(new Date("2030-01-01T10:00:00.000Z"));

    connection.send({ type: "rpc.req", id: "r2", method: "insight.get", params: { id: "nope" } });
    expect(await connection.next("rpc.res", (m) => m.id === "r2")).toMatchObject({ ok: true, result: { found: false, insight: null } });
    connection.send({ type: "rpc.req", id: "r3", method: "insight.get", params: { id: "../etc" } });
    expect(await connection.next("rpc.res", (m) => m.id === "r3")).toMatchObject({ ok: false, error: { code: "invalid_message" } });
  });

  it("takes insights from the running agent's ingest API and sends only real changes", async () => {
    hub.options.ackInsights = true;
    const connection = await startAgent();
    const first = await agent!.ingestInsights([sourceInsight("in-1"), sourceInsight("in-2"), { id: "bad" }]);
    expect(first).toMatchObject({ accepted: 2, created: 2, failed: [{ index: 2, error: expect.stringContaining("title") }] });
    await expect.poll(() => hub.insights.size).toBe(2);
    const again = await agent!.ingestInsights([sourceInsight("in-1"), sourceInsight("in-2", { severity: "critical" })]);
    expect(again).toMatchObject({ accepted: 2, created: 0, updated: 1, unchanged: 1 });
    await expect.poll(() => hub.insights.get("in-2")?.severity).toBe("critical");
    const sentIds = connection.upserts().flatMap((b: AgentMessage<"insights.upsert">) => b.insights.map((i) => i.id));
    expect(sentIds.filter((id) => id === "in-1")).toHaveLength(1);
  });
});
