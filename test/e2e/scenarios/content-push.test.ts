import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PairedAgent } from "../harness/scenario.js";
import { Scenario } from "../harness/scenario.js";
import { customField, heldContent } from "../harness/content.js";

describe("pushing content to tenants", () => {
  let scenario: Scenario;
  let eu: PairedAgent;
  let us1: PairedAgent;
  let us2: PairedAgent;
  const names = async (agent: PairedAgent) => (await heldContent(agent.dataDir)).map((c) => c.name).sort();

  beforeAll(async () => {
    scenario = await Scenario.start();
    eu = await scenario.addAgent("Push EU", "process");
    us1 = await scenario.addAgent("Push US One", "process");
    us2 = await scenario.addAgent("Push US Two", "in-process");
    await scenario.api.request("PATCH", `/tenants/${eu.tenant.id}`, { tags: ["eu"] });
    await scenario.api.request("PATCH", `/tenants/${us1.tenant.id}`, { tags: ["us"] });
    await scenario.api.request("PATCH", `/tenants/${us2.tenant.id}`, { tags: ["us"] });
    for (const a of [eu, us1, us2]) await scenario.api.waitForStatus(a.tenant.id, "online");
  });
  afterAll(() => scenario?.close());

  it("to all tenants: every agent holds the item and the push completes", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("Severity Override"));
    const { id } = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });
    const push = await scenario.api.waitForPush(id);
    expect(push.state).toBe("completed");
    expect(push.progress).toMatchObject({ total: 3, applied: 3, failed: 0, pending: 0 });
    expect(push.createdBy).toBeTruthy();
    for (const agent of [eu, us1, us2]) expect(await names(agent)).toContain("Severity Override");
    const item = await scenario.api.getContent("custom-fields", field.id);
    expect(item.sync).toMatchObject({ synchronized: true, applied: 3, pending: 0, failed: 0, drifted: 0 });
  });

  it("to selected tenants only", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("Selected Only"));
    const { id } = await scenario.api.push({
      items: [{ kind: "custom-fields", id: field.id }],
      targets: { tenants: [eu.tenant.id, us1.tenant.id] },
    });
    const push = await scenario.api.waitForPush(id);
    expect(push.results.map((r) => r.tenantId).sort()).toEqual([eu.tenant.id, us1.tenant.id].sort());
    expect(await names(eu)).toContain("Selected Only");
    expect(await names(us1)).toContain("Selected Only");
    expect(await names(us2)).not.toContain("Selected Only");
  });

  it("to all but some tenants", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("All But EU"));
    const { id } = await scenario.api.push({
      items: [{ kind: "custom-fields", id: field.id }],
      targets: { all: true, exclude: [eu.tenant.id] },
    });
    await scenario.api.waitForPush(id);
    expect(await names(eu)).not.toContain("All But EU");
    expect(await names(us1)).toContain("All But EU");
    expect(await names(us2)).toContain("All But EU");
  });

  it("to tenants by tag", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("US Only"));
    const { id } = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tags: ["us"] } });
    const push = await scenario.api.waitForPush(id);
    expect(push.progress.total).toBe(2);
    expect(await names(eu)).not.toContain("US Only");
    expect(await names(us2)).toContain("US Only");
  });

  it("replaces by name, and a dry run predicts exactly what the push then does", async () => {
    const existing = await scenario.api.createContent("custom-fields", customField("Replace Me"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: existing.id }], targets: { tenants: [eu.tenant.id] } })).id);
    const updated = await scenario.api.updateContent("custom-fields", existing.id, customField("Replace Me", { options: ["low", "medium", "high"] }));
    expect(updated.revision).toBe(existing.revision + 1);
    expect(updated.hash).not.toBe(existing.hash);
    const fresh = await scenario.api.createContent("custom-fields", customField("Brand New"));
    const unchanged = await scenario.api.createContent("custom-fields", customField("Already There"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: unchanged.id }], targets: { all: true } })).id);

    const request = {
      items: [
        { kind: "custom-fields", id: existing.id },
        { kind: "custom-fields", id: fresh.id },
        { kind: "custom-fields", id: unchanged.id },
      ],
      targets: { all: true as const },
    };
    const plan = await scenario.api.dryRun(request);
    const predicted = new Map(plan.plan.map((p) => [`${p.tenantId}/${p.name}`, p.action]));
    expect(predicted.get(`${eu.tenant.id}/Replace Me`)).toBe("replace");
    expect(predicted.get(`${us1.tenant.id}/Replace Me`)).toBe("create");
    expect(predicted.get(`${us2.tenant.id}/Brand New`)).toBe("create");
    expect(predicted.get(`${eu.tenant.id}/Already There`)).toBe("unchanged");
    expect(plan.plan).toHaveLength(9);

    const push = await scenario.api.waitForPush((await scenario.api.push(request)).id);
    const outcome = new Map(push.results.map((r) => [`${r.tenantId}/${r.name}`, r.status]));
    expect(outcome.size).toBe(predicted.size);
    for (const [key, action] of predicted) expect(outcome.get(key)).toBe(action === "unchanged" ? "unchanged" : "applied");

    const held = (await heldContent(eu.dataDir)).find((c) => c.name === "Replace Me");
    expect(held).toMatchObject({ revision: updated.revision, hash: updated.hash });
    const again = await scenario.api.dryRun(request);
    expect(new Set(again.plan.map((p) => p.action))).toEqual(new Set(["unchanged"]));
  });

  it("lists every push in the history, newest first", async () => {
    const history = await scenario.api.request<{ items: { id: string; createdAt: string }[] }>("GET", "/pushes");
    expect(history.items.length).toBeGreaterThanOrEqual(7);
    const times = history.items.map((p) => Date.parse(p.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
