import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgentRun } from "../harness/agents.js";
import { customField, heldContent } from "../harness/content.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The file the filesystem adapter keeps a custom field in, at the tenant. */
const fieldFile = (agent: PairedAgent, name: string) => join(agent.dataDir, "content", "custom-field", `${name}.json`);

describe("content removal", () => {
  let scenario: Scenario;
  let steady: PairedAgent;
  let away: PairedAgent;

  beforeAll(async () => {
    scenario = await Scenario.start();
    steady = await scenario.addAgent("Steady Tenant");
    away = await scenario.addAgent("Away Tenant");
    for (const a of scenario.agents) await scenario.api.waitForStatus(a.tenant.id, "online");
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it("an item deleted from the catalogue disappears at every tenant, also at one offline during the deletion once it is back", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("Retired Field"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } })).id);
    expect(await exists(fieldFile(steady, "Retired Field"))).toBe(true);
    expect(await exists(fieldFile(away, "Retired Field"))).toBe(true);

    await away.child!.stop();
    await scenario.api.waitForStatus(away.tenant.id, "offline");
    await scenario.api.deleteContent("custom-fields", field.id);
    const [latest] = await scenario.api.pushesOf(field.id);
    expect(latest!.title).toBe("remove Retired Field");

    await waitFor("the online tenant to remove the file", async () => !(await exists(fieldFile(steady, "Retired Field"))));
    const midway = await waitFor("the online tenant's removal to be acknowledged", async () => {
      const push = await scenario.api.getPush(latest!.id);
      return push.results.find((r) => r.tenantId === steady.tenant.id)?.status === "applied" ? push : undefined;
    });
    expect(midway.state).toBe("running");
    expect(midway.results).toEqual(
      expect.arrayContaining([
        { tenantId: steady.tenant.id, kind: "custom-field", name: "Retired Field", status: "applied", remove: true },
        { tenantId: away.tenant.id, kind: "custom-field", name: "Retired Field", status: "pending", remove: true },
      ]),
    );
    expect((await heldContent(steady.dataDir)).map((c) => c.name)).not.toContain("Retired Field");
    expect(await exists(fieldFile(away, "Retired Field"))).toBe(true);

    away.child = scenario.track(spawnAgentRun(away.dataDir));
    const done = await scenario.api.waitForPush(latest!.id);
    expect(done.state).toBe("completed");
    expect(done.progress).toMatchObject({ total: 2, applied: 2 });
    expect(await exists(fieldFile(away, "Retired Field"))).toBe(false);
    expect((await heldContent(away.dataDir)).map((c) => c.name)).not.toContain("Retired Field");
  });

  it("a renamed item: the push of its new name removes the old one at the tenant", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("Old Name"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } })).id);
    await scenario.api.waitForStatus(away.tenant.id, "online");
    await scenario.api.updateContent("custom-fields", field.id, customField("New Name"));

    const push = await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } })).id);
    expect(push.state).toBe("completed");
    expect(push.items).toEqual([
      { kind: "custom-field", id: field.id, name: "New Name", revision: 2 },
      { kind: "custom-field", id: field.id, name: "Old Name", revision: 1, remove: true },
    ]);
    for (const tenant of [steady, away]) {
      expect(push.results.filter((r) => r.tenantId === tenant.tenant.id).map((r) => `${r.name}:${r.status}${r.remove ? " (removal)" : ""}`)).toEqual(["New Name:applied", "Old Name:applied (removal)"]);
      expect(await exists(fieldFile(tenant, "Old Name"))).toBe(false);
      expect(await exists(fieldFile(tenant, "New Name"))).toBe(true);
      const held = (await heldContent(tenant.dataDir)).map((c) => c.name);
      expect(held).toContain("New Name");
      expect(held).not.toContain("Old Name");
    }
    expect((await scenario.api.getContent("custom-fields", field.id)).sync).toMatchObject({ synchronized: true, total: 2, applied: 2 });
  });
});
