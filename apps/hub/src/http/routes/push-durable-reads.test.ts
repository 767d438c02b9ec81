import { createMemoryStore } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatewayContentAgent, eventStream, settled } from "../../../test/gateway-content-agent.js";
import { holdFlushes } from "../../../test/held-flushes.js";
import { createTestHub, login, manualClock, type Caller, type TestHub } from "../../../test/helpers.js";
import { until } from "../../../test/until.js";

const outcomes = {
  id: "outcomes",
  type: "push-outcomes",
  title: "Pushes",
  range: "24h",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 6, h: 3 },
};

describe("push routes show only what is on disk (issue 10: nothing unpersisted is ever shown as done)", () => {
  let t: TestHub;
  let admin: Caller;
  let clock: ReturnType<typeof manualClock>;
  let flushes: ReturnType<typeof holdFlushes> | undefined;
  beforeEach(async () => {
    flushes = undefined;
    clock = manualClock();
    // The store writes only when flushed, so the test decides when an acknowledgement is durable.
    t = await createTestHub({ clock, store: createMemoryStore({ coalesceMs: 60_000 }) });
    admin = await login(t.hub);
  });
  afterEach(async () => {
    flushes?.release();
    await t.hub.close();
  });

  /** Everything a user can read about the push and its item. */
  async function shown(pushId: string, itemId: string) {
    const listed = (await admin.get("/pushes")).body.items.find((p: { id: string }) => p.id === pushId);
    const push = (await admin.get(`/pushes/${pushId}`)).body;
    const item = (await admin.get(`/content/custom-fields/${itemId}`)).body;
    const widget = (await admin.post("/dashboards/preview", { widget: outcomes })).body;
    const res = await t.hub.app.request(`/api/v1/pushes/${pushId}/events`, { headers: { cookie: admin.auth.cookie! } });
    const stream = eventStream(res);
    const [first] = await stream.readUntil((events) => events.length > 0);
    await stream.close();
    return {
      history: { state: listed.state, applied: listed.progress.applied, pending: listed.progress.pending },
      push: { state: push.state, results: push.results.map((r: { status: string }) => r.status) },
      sync: { synchronized: item.sync.synchronized, applied: item.sync.applied, pending: item.sync.pending, tenants: item.sync.tenants.map((s: { state: string }) => s.state) },
      dashboard: Object.fromEntries(widget.data.rows.map((row: { key: string; value: number }) => [row.key, row.value])),
      stream: { event: first!.event, state: (first!.data as { state: string }).state },
    };
  }

  it("an agent's acknowledgement shows as applied in every read only once its write is done", async () => {
    const tenantId = (await admin.post("/tenants", { name: "Acme" })).body.id;
    const agent = await GatewayContentAgent.connect(t.hub, admin, tenantId);
    const item = (await admin.post("/content/custom-fields", { name: "Severity", type: "text", appliesTo: "incident" })).body;
    const { id } = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { all: true } })).body;
    await settled(t.hub);
    clock.advance(1000); // the dashboard's window ends now, exclusive
    expect(agent.batches()).toHaveLength(1);

    const { pushes } = await t.hub.services();
    flushes = holdFlushes(t.store);
    agent.ackAll();
    // Taken in the tenant's turn, which then asks for the flush that is held.
    await until("the ack taken", () => (pushes.ledger.progress(id).applied === 1 ? true : undefined), flushes.onHeld);
    const before = await shown(id, item.id);
    expect(before).toMatchObject({
      history: { state: "running", applied: 0, pending: 1 },
      push: { state: "running", results: ["pending"] },
      sync: { synchronized: false, applied: 0, pending: 1, tenants: ["pending"] },
      dashboard: { applied: 0, pending: 1 },
      stream: { event: "progress", state: "running" },
    });

    flushes.release();
    await settled(t.hub);
    expect(await shown(id, item.id)).toMatchObject({
      history: { state: "completed", applied: 1, pending: 0 },
      push: { state: "completed", results: ["applied"] },
      sync: { synchronized: true, applied: 1, pending: 0, tenants: ["applied"] },
      dashboard: { applied: 1, pending: 0 },
      stream: { event: "done", state: "completed" },
    });
  });
});
