import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCli, spawnAgentRun } from "../harness/agents.js";
import { customField, heldContent } from "../harness/content.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

/** A tenant's webhook receiver that refuses items by name while they are listed in `refuse`. */
function startWebhook(refuse: Set<string>): Promise<{ url: string; server: Server; received: string[]; refused: string[] }> {
  const received: string[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const item = JSON.parse(body) as { name: string };
      if (refuse.has(item.name)) {
        refused.push(item.name);
        res.writeHead(500, { "content-type": "text/plain" }).end(`SOAR rejected field ${item.name}: quota exceeded`);
        return;
      }
      received.push(item.name);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}/canopy`, server, received, refused });
    }),
  );
}

describe("delivery", () => {
  let scenario: Scenario;
  let steady: PairedAgent;
  let offline: PairedAgent;
  let webhook: PairedAgent;
  const refuse = new Set<string>();
  let receiver: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    receiver = await startWebhook(refuse);
    scenario = await Scenario.start();
    steady = await scenario.addAgent("Steady Tenant");
    offline = await scenario.addAgent("Sometimes Offline");
    webhook = await scenario.addAgent("Webhook Tenant");
    const set = await agentCli(["adapter", "set", "webhook", "--url", receiver.url, "--data-dir", webhook.dataDir]);
    expect(set.code, set.stderr).toBe(0);
    for (const a of scenario.agents) await scenario.api.waitForStatus(a.tenant.id, "online");
  });
  afterAll(async () => {
    await scenario?.close();
    receiver?.server.close();
  });

  it("an agent offline during a push gets it when it reconnects", async () => {
    await offline.child!.stop();
    await scenario.api.waitForStatus(offline.tenant.id, "offline");
    const field = await scenario.api.createContent("custom-fields", customField("Delivered Later"));
    const { id } = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });

    await waitFor("the online tenants to apply", async () => (await scenario.api.getPush(id)).progress.applied === 2);
    const midway = await scenario.api.getPush(id);
    expect(midway.state).toBe("running");
    expect(midway.results.find((r) => r.tenantId === offline.tenant.id)?.status).toBe("pending");
    expect((await scenario.api.getContent("custom-fields", field.id)).sync).toMatchObject({ synchronized: false, pending: 1 });

    offline.child = scenario.track(spawnAgentRun(offline.dataDir));
    const done = await scenario.api.waitForPush(id);
    expect(done.state).toBe("completed");
    expect((await heldContent(offline.dataDir)).map((c) => c.name)).toContain("Delivered Later");
  });

  it("an item failing in one agent's adapter: the rest applied, the error in history, Retry once fixed", async () => {
    const good = await scenario.api.createContent("custom-fields", customField("Good Field"));
    const bad = await scenario.api.createContent("custom-fields", customField("Quota Field"));
    refuse.add("Quota Field");
    const { id } = await scenario.api.push({
      items: [
        { kind: "custom-fields", id: good.id },
        { kind: "custom-fields", id: bad.id },
      ],
      targets: { all: true },
    });
    const push = await scenario.api.waitForPush(id);
    expect(push.state).toBe("completed_with_errors");
    expect(push.progress).toMatchObject({ total: 6, applied: 5, failed: 1 });
    const failure = push.results.find((r) => r.status === "failed")!;
    expect(failure).toMatchObject({ tenantId: webhook.tenant.id, name: "Quota Field" });
    expect(failure.error).toMatch(/quota exceeded/);
    expect(receiver.received).toContain("Good Field");

    // A refused item is not resent by itself, even across a reconnect. A push made after the
    // reconnect is the fence: the agent applies batches in the order they come, so a resend
    // would reach the receiver before this push completes.
    expect(receiver.refused).toEqual(["Quota Field"]);
    await webhook.child!.stop();
    webhook.child = scenario.track(spawnAgentRun(webhook.dataDir));
    await scenario.api.waitForStatus(webhook.tenant.id, "online");
    const fence = await scenario.api.createContent("custom-fields", customField("After Reconnect"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: fence.id }], targets: { tenants: [webhook.tenant.id] } })).id);
    expect(receiver.received).toContain("After Reconnect");
    expect(receiver.refused).toEqual(["Quota Field"]);
    expect((await scenario.api.getPush(id)).progress.failed).toBe(1);

    refuse.delete("Quota Field");
    await scenario.api.retryPush(id);
    const retried = await scenario.api.waitForPush(id);
    expect(retried.state).toBe("completed");
    expect(retried.progress).toMatchObject({ total: 6, applied: 6, failed: 0 });
    expect(receiver.received).toContain("Quota Field");
  });

  it("rolls one tenant, then all, back to an earlier revision", async () => {
    const v1 = await scenario.api.createContent("custom-fields", customField("Versioned"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: v1.id }], targets: { tenants: [steady.tenant.id, offline.tenant.id] } })).id);
    const v2 = await scenario.api.updateContent("custom-fields", v1.id, customField("Versioned", { required: true }));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: v1.id }], targets: { tenants: [steady.tenant.id, offline.tenant.id] } })).id);

    const held = async (agent: PairedAgent) => (await heldContent(agent.dataDir)).find((c) => c.name === "Versioned");
    expect(await held(steady)).toMatchObject({ hash: v2.hash });

    const one = await scenario.api.rollback("custom-fields", v1.id, { revision: 1, tenants: [steady.tenant.id] });
    await scenario.api.waitForPush(one.id);
    expect(await held(steady)).toMatchObject({ hash: v1.hash });
    expect(await held(offline)).toMatchObject({ hash: v2.hash });

    const all = await scenario.api.rollback("custom-fields", v1.id, { revision: 1 });
    await scenario.api.waitForPush(all.id);
    expect(await held(offline)).toMatchObject({ hash: v1.hash });
    const history = await scenario.api.request<{ items: { id: string }[] }>("GET", "/pushes");
    expect(history.items.map((p) => p.id)).toEqual(expect.arrayContaining([one.id, all.id]));
  });
});
