import { CloseCode } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent } from "../../../test/fake-agent.js";
import { GatewayContentAgent, eventStream, readEvents, settled } from "../../../test/gateway-content-agent.js";
import { createTestHub, login, loginAs, type Caller, type TestHub } from "../../../test/helpers.js";

const field = (name: string) => ({ name, type: "text", appliesTo: "incident" });

describe("push events", () => {
  let t: TestHub;
  let admin: Caller;
  let tenantId: string;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
    tenantId = (await admin.post("/tenants", { name: "Acme" })).body.id;
  });
  afterEach(() => t.hub.close());

  it("GET /pushes/{id}/events: the current progress, then results as they land, then done; the stream ends", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const agent = await GatewayContentAgent.connect(t.hub, admin, tenantId);
    agent.refuse.add("Bad");
    const good = (await admin.post("/content/custom-fields", field("Good"))).body;
    const bad = (await admin.post("/content/custom-fields", field("Bad"))).body;
    const { id } = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: good.id }, { kind: "custom-fields", id: bad.id }], targets: { all: true } })).body;
    await settled(t.hub);

    const res = await t.hub.app.request(`/api/v1/pushes/${id}/events`, { headers: { cookie: viewer.auth.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const stream = eventStream(res);
    await stream.readUntil((events) => events.length > 0); // the progress before any ack
    agent.ackAll();
    const events = await stream.readUntil((all) => all.some((e) => e.event === "done"));
    await stream.close();

    expect(events.map((e) => e.event)).toEqual(["progress", "results", "done"]);
    expect(events[0]!.data).toMatchObject({ id, state: "running", progress: { total: 2, pending: 2 } });
    expect(events[1]!.data).toEqual({
      id,
      results: [
        { tenantId, kind: "custom-field", name: "Good", status: "applied" },
        { tenantId, kind: "custom-field", name: "Bad", status: "failed", error: "refused Bad" },
      ],
    });
    expect(events[2]!.data).toMatchObject({ id, state: "completed_with_errors", progress: { applied: 1, failed: 1, pending: 0 } });
  });

  it("a finished push's stream says done at once; an unknown push is a 404", async () => {
    const item = (await admin.post("/content/custom-fields", field("Offline"))).body;
    const { id } = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { all: true } })).body;
    await admin.post(`/pushes/${id}/stop`);
    const res = await t.hub.app.request(`/api/v1/pushes/${id}/events`, { headers: { cookie: admin.auth.cookie! } });
    const events = await readEvents(res, (e) => e.length > 0);
    expect(events).toEqual([{ event: "done", data: expect.objectContaining({ id, state: "stopped" }) }]);
    expect((await admin.get("/pushes/psh_unknown/events")).status).toBe(404);
  });

  it("the live feed carries push.progress", async () => {
    const res = await t.hub.app.request("/api/v1/events", { headers: { cookie: admin.auth.cookie! } });
    const received = readEvents(res, (events) => events.some((e) => e.event === "push.progress"));
    const item = (await admin.post("/content/custom-fields", field("Watched"))).body;
    const { id } = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { all: true } })).body;
    const events = (await received).filter((e) => e.event === "push.progress");
    expect(events[0]!.data).toEqual({ id, state: "running", progress: { total: 1, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 1 } });
  });

  it("content messages count only after the handshake, and only for the session's own tenant", async () => {
    const services = await t.hub.services();
    const early = new FakeAgent(services);
    early.send({ type: "content.manifest", items: [] });
    expect(early.connection.closedWith?.code).toBe(CloseCode.protocolError);

    const other = (await admin.post("/tenants", { name: "Other" })).body.id as string;
    const agent = await GatewayContentAgent.connect(t.hub, admin, tenantId);
    const hash = `sha256:${"ab".repeat(32)}`;
    agent.agent.send({ type: "content.drift", items: [{ kind: "custom-field", name: "Local", revision: 1, hash, localHash: null }] });
    await settled(t.hub);
    const stored = await services.data.tenantStates.load([tenantId, other]);
    expect(stored.get(tenantId)!.reported.find((entry) => entry.id === "custom-field:Local")).toMatchObject({ hash, drifted: true });
    expect(stored.get(other)!.reported).toEqual([]);
  });
});
