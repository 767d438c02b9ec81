import { CloseCode, encodeMessage, generateKeyPair, loadPrivateKey, type SystemInfo } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeAgent, pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { createTestHub, login, type Caller, type TestHub } from "../../test/helpers.js";
import type { HubServices } from "../services.js";

describe("agent session (in memory, no sockets)", () => {
  let t: TestHub;
  let hub: HubServices;
  let admin: Caller;
  let alice: PairedIdentity;
  let bob: PairedIdentity;

  beforeEach(async () => {
    t = await createTestHub({ handshakeTimeoutMs: 50, rpcTimeoutMs: 100 });
    hub = await t.hub.services();
    admin = await login(t.hub);
    alice = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Alice" })).body.id);
    bob = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Bob" })).body.id);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await t.hub.close();
  });

  const status = async (tenantId: string) => (await admin.get(`/tenants/${tenantId}`)).body.status;

  async function connect(identity: PairedIdentity): Promise<FakeAgent> {
    const agent = new FakeAgent(hub);
    await agent.hello(identity.agentId, identity.privateKey);
    return agent;
  }

  it("challenges, then welcomes a valid hello with the identity the key belongs to", async () => {
    const agent = new FakeAgent(hub);
    expect(agent.connection.sent[0]).toMatchObject({ type: "hello.challenge", protocolVersion: 1 });
    // A stray tenantId in the payload is ignored: the key decides who this is.
    await agent.hello(alice.agentId, alice.privateKey, { tenantId: bob.tenantId });
    expect(agent.connection.last("welcome")).toMatchObject({
      agentId: alice.agentId,
      tenantId: alice.tenantId,
      tenantName: "Alice",
      sessionId: agent.connection.id,
    });
    expect(agent.connection.closedWith).toBeUndefined();
    expect(await status(alice.tenantId)).toBe("online");
    expect(await status(bob.tenantId)).toBe("offline");
  });

  it("refuses a bad signature with auth_failed and close 4001", async () => {
    const agent = new FakeAgent(hub);
    await agent.hello(alice.agentId, loadPrivateKey(generateKeyPair().privateKeyPem));
    expect(agent.connection.last("error")).toMatchObject({ code: "auth_failed" });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.authFailed);
    expect(agent.connection.last("welcome")).toBeUndefined();
    expect(await status(alice.tenantId)).toBe("offline");
  });

  it("refuses a hello for another agent's id signed with my own key (4001)", async () => {
    const agent = new FakeAgent(hub);
    await agent.hello(bob.agentId, alice.privateKey);
    expect(agent.connection.closedWith?.code).toBe(CloseCode.authFailed);
    expect(await status(bob.tenantId)).toBe("offline");
    expect(await status(alice.tenantId)).toBe("offline");
  });

  it("refuses an unknown agent id exactly like a bad signature", async () => {
    const agent = new FakeAgent(hub);
    await agent.hello("agt_neverpaired0000", alice.privateKey);
    expect(agent.connection.last("error")?.message).toBe("unknown agent or bad signature");
    expect(agent.connection.closedWith?.code).toBe(CloseCode.authFailed);
  });

  it("refuses a revoked agent with 4003, forever", async () => {
    await admin.post(`/tenants/${alice.tenantId}/unpair`);
    for (let i = 0; i < 2; i++) {
      const agent = await connect(alice);
      expect(agent.connection.last("error")).toMatchObject({ code: "revoked" });
      expect(agent.connection.closedWith?.code).toBe(CloseCode.revoked);
    }
  });

  it("handles what comes while a hello is looked up after it, in order: a forged hello is still told auth_failed", async () => {
    const forger = new FakeAgent(hub);
    const refused = forger.hello(bob.agentId, alice.privateKey);
    void forger.sendRaw("not a frame at all");
    await refused;
    expect(forger.connection.last("error")).toMatchObject({ code: "auth_failed" });
    expect(forger.connection.closedWith?.code).toBe(CloseCode.authFailed);

    const agent = new FakeAgent(hub);
    const welcomed = agent.hello(alice.agentId, alice.privateKey);
    void agent.sendRaw(encodeMessage({ type: "teleport.now", id: "t2" }));
    await welcomed;
    const types = agent.connection.sent.map((message) => message.type);
    expect(types.indexOf("welcome")).toBeGreaterThan(0);
    expect(types.indexOf("error")).toBeGreaterThan(types.indexOf("welcome"));
    expect(agent.connection.last("error")).toMatchObject({ code: "unknown_type", ref: "t2" });
    expect(agent.connection.closedWith).toBeUndefined();
  });

  it("answers an unknown message type with an error frame and keeps the connection", async () => {
    const agent = await connect(alice);
    agent.sendRaw(encodeMessage({ type: "teleport.now", id: "t1" }));
    expect(agent.connection.last("error")).toMatchObject({ code: "unknown_type", ref: "t1" });
    expect(agent.connection.closedWith).toBeUndefined();
    const ping = hub.gateway.ping(alice.tenantId);
    agent.send({ type: "pong", id: agent.connection.last("ping")!.id });
    expect((await ping).agentVersion).toBe("1.2.3");
  });

  it("answers a malformed frame with an error, then closes 4000", async () => {
    const agent = await connect(alice);
    agent.sendRaw("{this is not json");
    expect(agent.connection.last("error")).toMatchObject({ code: "bad_encoding" });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.protocolError);
    agent.dropped(CloseCode.protocolError);
    expect(await status(alice.tenantId)).toBe("offline");
  });

  it("closes 4000 on a schema violation and on binary frames", async () => {
    const schema = await connect(alice);
    schema.sendRaw(encodeMessage({ type: "pong", id: 42 }));
    expect(schema.connection.last("error")?.code).toBe("invalid_message");
    expect(schema.connection.closedWith?.code).toBe(4000);

    const binary = await connect(bob);
    binary.sendRaw(new Uint8Array([1, 2, 3]), true);
    expect(binary.connection.last("error")?.code).toBe("bad_encoding");
    expect(binary.connection.closedWith?.code).toBe(4000);
  });

  it("refuses anything but hello before the handshake (4000), without authenticating", async () => {
    const agent = new FakeAgent(hub);
    agent.send({ type: "pong", id: "early" });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.protocolError);
    expect(agent.connection.last("welcome")).toBeUndefined();
  });

  it("closes 4008 when no hello arrives in time", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const agent = new FakeAgent(hub);
    vi.advanceTimersByTime(49);
    expect(agent.connection.closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(agent.connection.closedWith?.code).toBe(CloseCode.handshakeTimeout);
    expect(agent.connection.last("error")?.message).toMatch(/no hello/);
  });

  it("lets a second connection with the same key replace the first (4004); the tenant stays online", async () => {
    const first = await connect(alice);
    const second = await connect(alice);
    expect(first.connection.last("error")).toMatchObject({ code: "replaced" });
    expect(first.connection.closedWith?.code).toBe(CloseCode.replaced);
    expect(second.connection.last("welcome")).toBeDefined();
    first.dropped(CloseCode.replaced);
    expect(await status(alice.tenantId)).toBe("online");
    const ping = hub.gateway.ping(alice.tenantId);
    expect(first.connection.last("ping")).toBeUndefined();
    second.send({ type: "pong", id: second.connection.last("ping")!.id });
    await ping;
  });

  it("measures ping RTT in memory only: no store write per ping or heartbeat", async () => {
    const agent = await connect(alice);
    const changesBefore = t.store.stats().changes;
    for (let i = 0; i < 5; i++) {
      const ping = hub.gateway.ping(alice.tenantId);
      agent.send({ type: "pong", id: agent.connection.last("ping")!.id });
      const result = await ping;
      expect(result.rttMs).toBeGreaterThanOrEqual(0);
      agent.session.touch(); // a ws pong
    }
    expect(t.store.stats().changes).toBe(changesBefore);
    const tenant = (await admin.get(`/tenants/${alice.tenantId}`)).body;
    expect(tenant.rttMs).toEqual(expect.any(Number));

    agent.dropped();
    await hub.gateway.settled();
    expect(t.store.stats().changes).toBe(changesBefore + 1); // lastSeenAt, once, on disconnect
    const offline = (await admin.get(`/tenants/${alice.tenantId}`)).body;
    expect(offline).toMatchObject({ status: "offline", rttMs: null });
    expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
  });

  it("times out a ping the agent never answers; 409 over HTTP when the agent is offline", async () => {
    await connect(alice);
    await expect(hub.gateway.ping(alice.tenantId)).rejects.toMatchObject({ code: "rpc_timeout" });
    const viaHttp = await admin.post(`/tenants/${alice.tenantId}/ping`);
    expect(viaHttp.status).toBe(504);
    expect(viaHttp.body.code).toBe("agent_timeout");
    const offline = await admin.post(`/tenants/${bob.tenantId}/ping`);
    expect(offline.status).toBe(409);
    expect(offline.body.code).toBe("tenant_offline");
  });

  it("calls system.info over rpc and validates the answer", async () => {
    const agent = await connect(alice);
    const info: SystemInfo = {
      hostname: "edge-01",
      platform: "linux",
      arch: "x64",
      osRelease: "6.1",
      agentVersion: "1.2.3",
      nodeVersion: "v20.20.0",
      pid: 4242,
      startedAt: new Date("2030-01-01T00:00:00Z"),
      uptimeSec: 12,
      connectedSince: new Date("2030-01-01T00:00:05Z"),
      memoryRssBytes: 1e6,
      holds: { content: [], insights: { count: 0 } },
    };
    const viaHttp = admin.get(`/tenants/${alice.tenantId}/connect`);
    const request = await agent.connection.next("rpc.req");
    expect(request).toMatchObject({ method: "system.info" });
    agent.send({ type: "rpc.res", id: request.id, ok: true, result: info });
    const res = await viaHttp;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId: alice.tenantId, info: { hostname: "edge-01", startedAt: "2030-01-01T00:00:00.000Z" } });

    const bad = hub.gateway.call(alice.tenantId, "system.info", {});
    agent.send({ type: "rpc.res", id: agent.connection.last("rpc.req")!.id, ok: true, result: { hostname: 1 } });
    await expect(bad).rejects.toMatchObject({ code: "invalid_message" });
  });

  it("unpairs at the agent's request: revoked on disk, told, closed 4003, tenant unpaired", async () => {
    const agent = await connect(alice);
    agent.send({ type: "unpair", reason: "decommissioned" });
    await agent.connection.next("unpair");
    expect(agent.connection.closedWith?.code).toBe(CloseCode.revoked);
    agent.dropped(CloseCode.revoked);
    expect((await hub.data.agents.get(alice.agentId))?.revokedAt).not.toBeNull();
    expect(await status(alice.tenantId)).toBe("unpaired");
    const audit = (await admin.get("/audit?action=agent.unpair")).body.items[0];
    expect(audit).toMatchObject({ actor: `agent:${alice.agentId}`, target: `tenant:${alice.tenantId}` });
    expect((await connect(alice)).connection.closedWith?.code).toBe(CloseCode.revoked);
  });

  it("hub-side unpair tells a connected agent and closes it 4003", async () => {
    const agent = await connect(alice);
    const res = await admin.post(`/tenants/${alice.tenantId}/unpair`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("unpaired");
    expect(agent.connection.last("unpair")?.reason).toMatch(/unpaired/);
    expect(agent.connection.closedWith?.code).toBe(CloseCode.revoked);
    expect((await admin.post(`/tenants/${alice.tenantId}/unpair`)).status).toBe(409);
  });

  it("deleting a tenant disconnects its agent as revoked", async () => {
    const agent = await connect(bob);
    expect((await admin.delete(`/tenants/${bob.tenantId}`)).status).toBe(204);
    expect(agent.connection.closedWith?.code).toBe(CloseCode.revoked);
    expect((await connect(bob)).connection.closedWith?.code).toBe(CloseCode.revoked);
  });

  it("keeps serving other agents while one misbehaves", async () => {
    const good = await connect(alice);
    const bad = await connect(bob);
    bad.sendRaw("\u0000garbage");
    expect(bad.connection.closedWith?.code).toBe(4000);
    const ping = hub.gateway.ping(alice.tenantId);
    good.send({ type: "pong", id: good.connection.last("ping")!.id });
    await expect(ping).resolves.toMatchObject({ agentVersion: "1.2.3" });
  });
});
