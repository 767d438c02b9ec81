// R5 attackers on the agent link, the defences that already held, kept holding: a captured hello
// replayed on a new connection, a man in the middle changing a byte of a hub frame or replaying one
// from another connection, a tenant's agent claiming another tenant's insights, board changes and
// content acks, and a revoked key. The victim is a real `canopy-agent run` behind a proxy that
// reads every frame (signed, not encrypted); the attacker speaks over raw sockets.
import { join } from "node:path";
import {
  getInsight,
  heldContent,
  hubInsightId,
  importInsights,
  insightLines,
  pairWithCli,
  patchInsight,
  RawAgent,
  readAgentCredentials,
  type Scenario,
  spawnAgentRun,
  waitFor,
  waitForAcknowledged,
  waitForInsightTotal,
  writeNdjson,
  type AgentCredentials,
  type Tenant,
} from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackInsight, closedWithin, connectAs, pairAttacker, type AttackerIdentity } from "../harness/attackers.js";
import { Figures } from "../harness/figures.js";
import { hubHealthy } from "../harness/hub-health.js";
import { hubFrameJson } from "../harness/ws-frames.js";
import { WsTamperProxy } from "../harness/ws-tamper-proxy.js";
import { startScenario } from "../harness/hub-watch.js";

const field = (name: string, options = ["low", "high"]) => ({ name, type: "select", appliesTo: "incident", options, required: false });

describe("R5 attackers on the agent link: replay, forgery, cross-tenant claims, a revoked key", () => {
  const figures = new Figures("R5 attackers: replay, forgery, cross-tenant, revocation");
  let scenario: Scenario;
  let proxy: WsTamperProxy;
  /** The victim: a real agent process that reaches the hub through the proxy. */
  let blue: { tenant: Tenant; dataDir: string; credentials: AgentCredentials };
  let red: AttackerIdentity;

  /** The victim's current link through the proxy. */
  const blueLink = () => waitFor("the victim's link through the proxy", () => proxy.openLinks.at(-1));
  /** Agent → hub frames of a link whose text contains `needle`. */
  const agentSaid = (link: number, needle: string) => proxy.agentFrames.filter((f) => f.link === link && f.text.includes(needle));
  /** Waits until the victim reconnected after a cut: a new link carrying its hello, and online. */
  async function cutAndReconnect(): Promise<number> {
    const before = Math.max(0, ...proxy.openLinks);
    proxy.cutAll();
    const link = await waitFor("the victim back on a new link", () => proxy.openLinks.find((l) => l > before && agentSaid(l, '"content.manifest"').length > 0), { timeoutMs: 15_000 });
    await scenario.api.waitForStatus(blue.tenant.id, "online");
    return link;
  }

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await startScenario();
      proxy = await WsTamperProxy.start({ host: "127.0.0.1", port: scenario.hub.port });
      const tenant = await scenario.api.createTenant("R5 Blue (victim)");
      const dataDir = scenario.dir("blue");
      const { code } = await scenario.api.pairingCode(tenant.id);
      const paired = await pairWithCli(proxy.url, code, dataDir);
      if (paired.code !== 0) throw new Error(`pairing the victim failed: ${paired.stderr}`);
      blue = { tenant, dataDir, credentials: await readAgentCredentials(dataDir) };
      scenario.track(spawnAgentRun(dataDir));
      await scenario.api.waitForStatus(tenant.id, "online");
      red = await pairAttacker(scenario, "R5 Red (attacker)");
    });
  });
  afterAll(async () => {
    figures.print();
    await proxy?.close();
    await scenario?.close();
  });

  it("a hello captured on the wire and replayed on a new connection is refused 4001; the victim stays connected", async () => {
    const link = await blueLink();
    const hello = await waitFor("the victim's hello on the wire", () => agentSaid(link, '"type":"hello"')[0]);
    const raw = await RawAgent.connect(scenario.hub.url, blue.credentials.hubPublicKey);
    await raw.next("hello.challenge");
    raw.sendRaw(hello.text);
    const close = await closedWithin(raw, 5000);
    figures.set("replayed hello", `closed ${close?.code}; welcome ${raw.received.some((m) => m.type === "welcome")}; the victim's link ${proxy.openLinks.includes(link) ? "untouched" : "cut"}`);
    expect(close?.code).toBe(4001);
    expect(raw.received.some((m) => m.type === "welcome")).toBe(false);
    // Not replaced (4004): the victim's connection is the one still open, and it is online.
    expect(proxy.openLinks).toContain(link);
    expect((await scenario.api.getTenant(blue.tenant.id)).status).toBe("online");
  });

  it("a byte changed in a hub frame by the man in the middle: the agent refuses the frame, applies nothing, and converges once the path is clean", async () => {
    let link = await blueLink();
    let tampered = 0;
    // One byte of the item's name: the agent would create "R5 Field-B" if it trusted the frame.
    proxy.tamper = (payload) => {
      const at = payload.indexOf("R5 Field-A");
      if (at === -1 || hubFrameJson(payload)?.type !== "content.apply") return undefined;
      tampered++;
      const forged = Buffer.from(payload);
      forged[at + "R5 Field-".length] = "B".charCodeAt(0);
      return forged;
    };
    const item = await scenario.api.createContent("custom-fields", field("R5 Field-A"));
    const first = await scenario.api.push({ items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: [blue.tenant.id] } });
    const refusal = await waitFor("the agent to report the forged frame", () => agentSaid(link, '"bad_signature"')[0], { timeoutMs: 10_000 });
    proxy.tamper = undefined;
    const heldAfterForgery = (await heldContent(blue.dataDir)).map((c) => c.name);
    const pushAfterForgery = await scenario.api.getPush(first.id);
    expect(tampered).toBe(1);
    expect(refusal.text).toContain('"type":"error"');
    // Nothing of the forged frame is applied or acknowledged. An agent on session keys leaves the
    // tampered link at once and may already hold the genuine item, sent again on its new link.
    expect(heldAfterForgery, "nothing applied from the forged frame").not.toContain("R5 Field-B");
    expect(heldAfterForgery.every((name) => name === "R5 Field-A"), heldAfterForgery.join(", ")).toBe(true);
    expect(["pending", "applied"], "no ack for the forged frame").toContain(pushAfterForgery.results[0]?.status);

    // The path is clean again (the connection drops, as a proxy going away would): it converges.
    const genuine = proxy.hubFrames.find((f) => f.link === link && hubFrameJson(f.payload)?.type === "content.apply")!;
    link = await cutAndReconnect();
    expect((await scenario.api.waitForPush(first.id)).results.map((r) => r.status)).toEqual(["applied"]);

    // A genuine frame recorded on the old connection, replayed on the new one, would take the
    // tenant back to revision 1: it is bound to the old connection's nonce and refused too.
    const revised = await scenario.api.updateContent("custom-fields", item.id, field("R5 Field-A", ["low", "medium", "high"]));
    const second = await scenario.api.push({ items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: [blue.tenant.id] } });
    await scenario.api.waitForPush(second.id);
    const refusalsBefore = agentSaid(link, '"bad_signature"').length;
    proxy.inject(link, genuine.payload);
    await waitFor("the agent to refuse the replayed frame", () => agentSaid(link, '"bad_signature"').length > refusalsBefore, { timeoutMs: 10_000 });
    // A ping round trip: the agent has dealt with every frame before it (a session-MAC agent
    // drops a link whose stream was tampered with and comes back on a new one).
    await waitFor("a ping round trip", () => scenario.api.ping(blue.tenant.id).then(() => true, () => false), { timeoutMs: 15_000 });
    const held = await heldContent(blue.dataDir);
    figures.set(
      "forged hub frames",
      `1 byte changed in a content.apply: refused (bad_signature), ${heldAfterForgery.length} items applied, push pending until the path was clean, then applied; ` +
        `a genuine frame of an earlier connection replayed: refused, the tenant keeps revision ${held[0]?.revision}`,
    );
    expect(held.map((c) => [c.name, c.revision, c.hash])).toEqual([["R5 Field-A", revised.revision, revised.hash]]);
  });

  it("another tenant's agent cannot write, acknowledge or settle the victim's insights, board changes or content", async () => {
    let link = await blueLink();
    const lines = insightLines("blue", 3);
    await importInsights(blue.dataDir, await writeNdjson(join(blue.dataDir, "insights.ndjson"), lines));
    await waitForInsightTotal(scenario.api, 3, { tenantId: blue.tenant.id });
    const victimId = hubInsightId(blue.tenant.id, lines[0]!.id);
    const original = await getInsight(scenario.api, victimId);

    // The man in the middle holds back the victim's board change and content batch, so the
    // attacker can try to answer them first with the ids it read on the wire.
    const held: { updateId?: string; batch?: { batchId: string; items: { kind: string; name: string; revision: number; hash: string; pushId?: string }[] } } = {};
    proxy.tamper = (payload) => {
      const json = hubFrameJson(payload) as { type?: string; updates?: { updateId: string }[]; batchId?: string; items?: never[] } | null;
      if (json?.type === "insight.update") return void (held.updateId ??= json.updates![0]!.updateId), null;
      if (json?.type === "content.apply") return void (held.batch ??= { batchId: json.batchId!, items: json.items! }), null;
      return undefined;
    };
    await patchInsight(scenario.api, victimId, { status: "closed" });
    const item = await scenario.api.createContent("custom-fields", field("R5 Field-C"));
    const push = await scenario.api.push({ items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: [blue.tenant.id] } });
    await waitFor("the victim's frames held back", () => held.updateId && held.batch);

    const raw = await connectAs(scenario.hub.url, red);
    const claimed = { ...attackInsight(lines[0]!.id, "Hijacked by Red", 99), tenantId: blue.tenant.id } as ReturnType<typeof attackInsight>;
    raw.send({ type: "insights.upsert", seq: 1, insights: [claimed] });
    raw.send({ type: "insight.update.ack", results: [{ updateId: held.updateId!, ok: true, insight: { ...claimed, status: "closed", closedAt: new Date() } }] });
    const items = held.batch!.items.map((i) => ({ kind: i.kind, name: i.name, revision: i.revision, hash: i.hash })) as { kind: "custom-field"; name: string; revision: number; hash: string }[];
    raw.send({ type: "content.ack", batchId: held.batch!.batchId, results: items.map((i) => ({ ...i, status: "applied" as const })) });
    raw.send({ type: "content.manifest", items: items.map((i) => ({ ...i, pushId: push.id, drifted: false })) });
    // A batch again, and its ack: the hub handles one connection's frames in order, so by then it has handled the claims.
    raw.send({ type: "insights.upsert", seq: 2, insights: [attackInsight("red-own", "Red's own finding")] });
    await waitFor("the attacker's second batch acked", () => raw.received.some((m) => m.type === "insights.ack" && m.seq === 2));

    const victim = await getInsight(scenario.api, victimId);
    const redCopy = await getInsight(scenario.api, hubInsightId(red.tenantId, lines[0]!.id));
    const pushNow = await scenario.api.getPush(push.id);
    figures.set(
      "cross-tenant claims",
      `an upsert naming the victim's tenant landed under the attacker's; an ack of the victim's board change and of its content batch (ids read on the wire) changed nothing: ` +
        `victim's insight ${victim.status} (pending ${victim.pending?.status}), push result ${pushNow.results.map((r) => r.status).join(",")}`,
    );
    expect({ title: victim.title, status: victim.status, revision: victim.revision }).toEqual({ title: original.title, status: "new", revision: original.revision });
    expect(victim.pending).toMatchObject({ status: "closed" });
    expect(redCopy.title).toBe("Hijacked by Red");
    expect(pushNow.results.map((r) => [r.tenantId, r.status])).toEqual([[blue.tenant.id, "pending"]]);
    raw.close();

    // Released: the victim's own agent settles both, as only it can.
    proxy.tamper = undefined;
    link = await cutAndReconnect();
    expect((await waitForAcknowledged(scenario.api, victimId)).status).toBe("closed");
    expect((await scenario.api.waitForPush(push.id)).results.map((r) => r.status)).toEqual(["applied"]);
    expect((await heldContent(blue.dataDir)).map((c) => c.name)).toContain("R5 Field-C");
    expect(agentSaid(link, '"bad_signature"')).toEqual([]);
  });

  it("a revoked key is refused 4003, and never again accepted", async () => {
    const green = await scenario.addAgent("R5 Green (revoked)", "process");
    await scenario.api.waitForStatus(green.tenant.id, "online");
    const credentials = await readAgentCredentials(green.dataDir);
    await scenario.api.unpair(green.tenant.id);
    const exit = await green.child!.exited;
    const attempts: (number | undefined)[] = [];
    const tryOldKey = async () => {
      const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
      await raw.hello(credentials.agentId, credentials.privateKeyPem);
      const close = await closedWithin(raw, 5000);
      attempts.push(close?.code);
      expect(raw.received.some((m) => m.type === "welcome")).toBe(false);
    };
    await tryOldKey();
    await tryOldKey();
    // The tenant pairs a new agent: the old key stays refused.
    const { code } = await scenario.api.pairingCode(green.tenant.id);
    const fresh = scenario.dir("green-new");
    expect((await pairWithCli(scenario.hub.url, code, fresh)).code).toBe(0);
    scenario.track(spawnAgentRun(fresh));
    await scenario.api.waitForStatus(green.tenant.id, "online");
    await tryOldKey();
    figures.set("revoked key", `the running agent exited ${exit}; ${attempts.length} attempts with the old key closed ${attempts.join(", ")}; the tenant's new agent online`);
    expect(exit, "canopy-agent run ends as unpaired").toBe(3);
    expect(attempts).toEqual([4003, 4003, 4003]);
    const health = await hubHealthy(scenario.hub);
    figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
    expect(health).toEqual({ alive: true, healthz: 200 });
  });
});
