import { CloseCode, encodeMessage, type Insight } from "@canopy/protocol";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeAgent, pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { createTestHub, login, type Caller, type TestHub } from "../../test/helpers.js";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import type { HubServices } from "../services.js";
import type { AgentBudgets } from "./agent-budgets.js";

describe("agent budgets (in memory, no sockets)", () => {
  let t: TestHub;
  let hub: HubServices;
  let admin: Caller;
  let alice: PairedIdentity;
  let bob: PairedIdentity;
  let logLines: Record<string, unknown>[];

  async function start(agentBudgets: Partial<AgentBudgets> = {}) {
    logLines = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    t = await createTestHub({ agentBudgets, logger });
    hub = await t.hub.services();
    admin = await login(t.hub);
    alice = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Alice" })).body.id);
    bob = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Bob" })).body.id);
  }

  afterEach(async () => {
    vi.useRealTimers();
    await t.hub.close();
  });

  async function connect(identity: PairedIdentity): Promise<FakeAgent> {
    const agent = new FakeAgent(hub);
    await agent.hello(identity.agentId, identity.privateKey);
    expect(agent.connection.last("welcome")).toBeDefined();
    return agent;
  }

  const unknownFrame = (n: number) => encodeMessage({ type: "flood.noise", id: `n${n}` });
  const report = (message = "could not apply") => ({ type: "error" as const, code: "internal" as const, message });
  const errorsOf = (agent: FakeAgent) => agent.connection.sent.filter((m) => m.type === "error");

  async function pingWorks(agent: FakeAgent, tenantId: string) {
    const ping = hub.gateway.ping(tenantId);
    agent.send({ type: "pong", id: agent.connection.last("ping")!.id });
    await expect(ping).resolves.toMatchObject({ agentVersion: "1.2.3" });
  }

  it("tells an agent that keeps sending unknown frames it is rate limited and closes it 4029; another tenant is served meanwhile", async () => {
    await start();
    const flooder = await connect(alice);
    const bystander = await connect(bob);
    for (let n = 0; n < 30 && !flooder.connection.closedWith; n++) flooder.sendRaw(unknownFrame(n));
    const errors = errorsOf(flooder);
    expect(errors.filter((e) => e.code === "unknown_type")).toHaveLength(20);
    expect(errors.at(-1)).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/too many bad frames/) });
    expect(flooder.connection.closedWith?.code).toBe(CloseCode.rateLimited);
    await pingWorks(bystander, bob.tenantId);

    // A reconnect does not refill the budget: the next bad frame closes it again.
    flooder.dropped(CloseCode.rateLimited);
    const again = await connect(alice);
    again.sendRaw(unknownFrame(100));
    expect(again.connection.last("error")?.code).toBe("rate_limited");
    expect(again.connection.closedWith?.code).toBe(CloseCode.rateLimited);
  });

  it("forgets a gone tenant's budgets once they are whole again, never while they are spent or the tenant is connected", async () => {
    await start({ badFramesPerMinute: 10, badFrameBurst: 20 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    // Any session's end sweeps the meters (at most once a minute): a stranger that never says hello.
    const sweep = () => new FakeAgent(hub).dropped(1006);
    const sendBad = (agent: FakeAgent, n: number) => {
      for (let i = 0; i < n; i++) agent.sendRaw(unknownFrame(i));
    };

    const lightly = await connect(alice);
    sendBad(lightly, 5);
    lightly.dropped(1006);
    await connect(bob);
    expect(hub.gateway.meteredTenants).toBe(2);
    // A minute on, Alice's 5 bad frames are paid for: her meter is dropped (a new one would be
    // the same). Bob is connected: his stays.
    vi.advanceTimersByTime(61_000);
    sweep();
    expect(hub.gateway.meteredTenants).toBe(1);

    // 15 bad frames take 90 s to pay for: a minute on, Alice's meter is still kept, so
    // reconnecting later buys her nothing.
    const heavily = await connect(alice);
    sendBad(heavily, 15);
    expect(heavily.connection.closedWith).toBeUndefined();
    heavily.dropped(1006);
    vi.advanceTimersByTime(61_000);
    sweep();
    expect(hub.gateway.meteredTenants).toBe(2);
    vi.advanceTimersByTime(61_000);
    sweep();
    expect(hub.gateway.meteredTenants).toBe(1);
  });

  it("stops reading an agent that goes over its frame budget and reads again once the budget has paid for it", async () => {
    await start({ framesPerSecond: 10, frameBurst: 5 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    const agent = await connect(alice);
    for (let i = 0; i < 5; i++) agent.send(report());
    expect(agent.connection.paused).toBe(false);
    agent.send(report());
    expect(agent.connection.paused).toBe(true);
    vi.advanceTimersByTime(90);
    expect(agent.connection.paused).toBe(true);
    vi.advanceTimersByTime(20);
    expect(agent.connection.paused).toBe(false);
    expect(agent.connection.closedWith).toBeUndefined();
  });

  it("does not count answers to the hub's own pings against the frame budget", async () => {
    await start({ framesPerSecond: 1, frameBurst: 3 });
    const agent = await connect(alice);
    for (let i = 0; i < 20; i++) await pingWorks(agent, alice.tenantId);
    expect(agent.connection.paused).toBe(false);
    expect(agent.connection.closedWith).toBeUndefined();
  });

  it("closes an agent that stays over its frame budget for longer than it may be held back (4029)", async () => {
    await start({ framesPerSecond: 10, frameBurst: 10, heldBackMsPerMinute: 1000 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    const agent = await connect(alice);
    // As fast as TCP lets it: a frame whenever the hub reads.
    for (let i = 0; i < 1000 && !agent.connection.closedWith; i++) {
      if (agent.connection.paused) vi.advanceTimersByTime(10);
      else agent.send(report());
    }
    expect(agent.connection.last("error")).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/stayed over its frame or byte budget/) });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.rateLimited);
  });

  it("closes at once an agent whose frames keep coming far past its budget after reading stopped", async () => {
    await start({ framesPerSecond: 10, frameBurst: 5 });
    const agent = await connect(alice);
    for (let i = 0; i < 11; i++) agent.send(report());
    expect(agent.connection.last("error")).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/far beyond its frame or byte budget/) });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.rateLimited);
    // Read again, though its hold is not over: the agent's close frame must get through.
    expect(agent.connection.paused).toBe(false);
  });

  it("stops reading while pendingBatches insight batches await their ack, and reads again once they are acked", async () => {
    await start({ pendingBatches: 2 });
    const agent = await connect(alice);
    const insight = (n: number): Insight => makeInsight(seededRandom(n), n);
    agent.send({ type: "insights.upsert", seq: 1, insights: [insight(1)] });
    expect(agent.connection.paused).toBe(false);
    agent.send({ type: "insights.upsert", seq: 2, insights: [insight(2)] });
    expect(agent.connection.paused).toBe(true);
    await agent.connection.until("two insights.ack frames", () => (agent.connection.sent.filter((m) => m.type === "insights.ack").length === 2 ? true : undefined));
    expect(agent.connection.paused).toBe(false);
  });

  it("slows down an agent over its insight budget but never closes it for that", async () => {
    await start({ insightsPerSecond: 100, insightBurst: 100 });
    const agent = await connect(alice);
    const random = seededRandom(150);
    const insights = Array.from({ length: 150 }, (_, n) => makeInsight(random, n));
    agent.send({ type: "insights.upsert", seq: 1, insights });
    expect(agent.connection.paused).toBe(true);
    await agent.connection.next("insights.ack");
    await agent.connection.until("reading to resume", () => (agent.connection.paused ? undefined : true), 3000);
    expect(agent.connection.closedWith).toBeUndefined();
  });

  it("logs agent text clipped to 200 characters, at most logLinesPerMinute lines a minute per connection, then how many it held back", async () => {
    await start({ logLinesPerMinute: 3 });
    const agent = await connect(alice);
    const reported = () => logLines.filter((line) => line.msg === "agent reported an error");
    for (let i = 0; i < 10; i++) agent.send(report("x".repeat(1000)));
    expect(reported()).toHaveLength(3);
    for (const line of reported()) expect((line.message as string).length).toBeLessThan(250);
    expect(reported()[0]).toMatchObject({ agentId: alice.agentId, tenantId: alice.tenantId, message: expect.stringMatching(/^x{200}… \(800 more characters\)$/) });
    agent.dropped();
    expect(logLines.find((line) => line.suppressed !== undefined)).toMatchObject({ suppressed: 7, connectionId: agent.connection.id });
  });
});
