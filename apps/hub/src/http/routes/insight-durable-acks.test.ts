import type { Insight } from "@canopy/protocol";
import { createMemoryStore } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../../test/fake-agent.js";
import { holdFlushes } from "../../../test/held-flushes.js";
import { createTestHub, login, untilLive, type Caller, type TestHub } from "../../../test/helpers.js";
import { makeInsight, seededRandom } from "../../../test/insight-fixtures.js";
import { until } from "../../../test/until.js";

describe("a board change shows as done only once the agent's answer is on disk (issue 10)", () => {
  let t: TestHub;
  let admin: Caller;
  let agent: FakeAgent;
  let held: Insight;
  let flushes: ReturnType<typeof holdFlushes> | undefined;
  const random = seededRandom(7);
  let key: string;

  beforeEach(async () => {
    flushes = undefined;
    // The store writes only when flushed, so the test decides when the answer is durable.
    t = await createTestHub({ store: createMemoryStore({ coalesceMs: 60_000 }) });
    admin = await login(t.hub);
    const { id: tenantId } = (await admin.post("/tenants", { name: "Acme" })).body;
    const identity = await pairThroughApi(t.hub, admin, tenantId);
    agent = new FakeAgent(await t.hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    held = makeInsight(random, 1, { status: "new", closedAt: null, assignee: null });
    agent.send({ type: "insights.upsert", seq: 1, insights: [held] });
    await agent.connection.next("insights.ack", (m) => m.seq === 1);
    key = `${tenantId}~${held.id}`;
  });
  afterEach(async () => {
    flushes?.release();
    await t.hub.close();
  });

  /** PATCH, then the agent's answer to the update it received, with the store's flushes held. */
  async function answerWhileHeld(ok: boolean): Promise<void> {
    expect((await admin.patch(`/insights/${key}`, { status: "in_progress", comment: "on it" })).status).toBe(202);
    const [update] = (await agent.connection.next("insight.update")).updates;
    flushes = holdFlushes(t.store);
    const next: Insight = { ...held, status: "in_progress", revision: held.revision + 1, updatedAt: new Date() };
    agent.send({ type: "insight.update.ack", results: [ok ? { updateId: update!.updateId, ok, insight: next } : { updateId: update!.updateId, ok, error: "locked by policy" }] });
    // Taken in the tenant's turn, whose flush is then held.
    await until("the ack taken", () => (flushes!.waiting > 0 ? true : undefined), flushes.onHeld);
  }

  const shown = async () => {
    const item = (await admin.get(`/insights/${key}`)).body;
    const listed = (await admin.get("/insights")).body.items.find((i: { id: string }) => i.id === key);
    return { status: item.status, pending: item.pending?.status ?? null, updateError: item.updateError?.error ?? null, comments: item.comments.length, listed: listed.status };
  };

  it("applied: pending, with the acknowledged values as they were, until the write lands", async () => {
    await answerWhileHeld(true);
    expect(await shown()).toEqual({ status: "new", pending: "in_progress", updateError: null, comments: 0, listed: "new" });

    flushes!.release();
    await untilLive(t.hub, "the change shown as done", async () => ((await shown()).pending === null ? true : undefined));
    expect(await shown()).toEqual({ status: "in_progress", pending: null, updateError: null, comments: 0, listed: "in_progress" });
  });

  it("refused: still pending, with no refusal shown, until the write lands", async () => {
    await answerWhileHeld(false);
    expect(await shown()).toEqual({ status: "new", pending: "in_progress", updateError: null, comments: 0, listed: "new" });

    flushes!.release();
    await untilLive(t.hub, "the refusal shown", async () => ((await shown()).pending === null ? true : undefined));
    expect(await shown()).toEqual({ status: "new", pending: null, updateError: "locked by policy", comments: 0, listed: "new" });
  });
});

describe("an agent's insight batch is listed only once it is on disk (issue 10)", () => {
  let t: TestHub;
  let flushes: ReturnType<typeof holdFlushes> | undefined;
  afterEach(async () => {
    flushes?.release();
    await t.hub.close();
  });

  it("held: neither listed nor acknowledged; written: both, and the next revision likewise", async () => {
    t = await createTestHub({ store: createMemoryStore({ coalesceMs: 60_000 }) });
    const admin = await login(t.hub);
    const { id: tenantId } = (await admin.post("/tenants", { name: "Acme" })).body;
    const identity = await pairThroughApi(t.hub, admin, tenantId);
    const agent = new FakeAgent(await t.hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    const first = makeInsight(seededRandom(11), 1, { status: "new", closedAt: null, assignee: null });
    const key = `${tenantId}~${first.id}`;
    const listed = async () => (await admin.get("/insights")).body.items.map((i: { id: string; status: string; revision: number }) => ({ status: i.status, revision: i.revision }));

    flushes = holdFlushes(t.store);
    agent.send({ type: "insights.upsert", seq: 1, insights: [first] });
    await until("the batch taken", () => (flushes!.waiting > 0 ? true : undefined), flushes.onHeld);
    expect(await listed()).toEqual([]);
    expect((await admin.get(`/insights/${key}`)).status).toBe(404);
    expect(agent.connection.sent.some((m) => m.type === "insights.ack")).toBe(false);

    flushes.release();
    await agent.connection.next("insights.ack", (m) => m.seq === 1);
    expect(await listed()).toEqual([{ status: "new", revision: first.revision }]);

    // A newer revision: the list and the detail keep showing the one on disk until it is written.
    flushes = holdFlushes(t.store);
    const next: Insight = { ...first, status: "closed", closedAt: new Date(), revision: first.revision + 1, description: "resolved upstream" };
    agent.send({ type: "insights.upsert", seq: 2, insights: [next] });
    await until("the batch taken", () => (flushes!.waiting > 0 ? true : undefined), flushes.onHeld);
    expect(await listed()).toEqual([{ status: "new", revision: first.revision }]);
    expect((await admin.get(`/insights/${key}`)).body).toMatchObject({ status: "new", revision: first.revision, description: first.description });

    flushes.release();
    await agent.connection.next("insights.ack", (m) => m.seq === 2);
    expect(await listed()).toEqual([{ status: "closed", revision: next.revision }]);
    expect((await admin.get(`/insights/${key}`)).body).toMatchObject({ status: "closed", description: "resolved upstream" });
  });
});
