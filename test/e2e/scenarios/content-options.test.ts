import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customField, heldContent } from "../harness/content.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";

const rule = (title: string) => `title: ${title}
id: ${crypto.randomUUID()}
status: test
author: Canopy e2e
level: high
tags:
  - attack.credential-access
  - attack.t1110
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
`;

describe("push options and drift", () => {
  let scenario: Scenario;
  let tenant: PairedAgent;
  beforeAll(async () => {
    scenario = await Scenario.start();
    tenant = await scenario.addAgent("Options Tenant", "process", { CANOPY_DRIFT_SCAN_MS: "200" });
    await scenario.api.waitForStatus(tenant.tenant.id, "online");
  });
  afterAll(() => scenario?.close());

  it("tuning expressions are pushed alone, or with their associated rules when asked", async () => {
    const imported = await scenario.api.importContent({ files: [{ name: "a.yml", text: rule("Brute Force A") }, { name: "b.yml", text: rule("Brute Force B") }] });
    expect(imported.created.map((c) => c.name).sort()).toEqual(["Brute Force A", "Brute Force B"]);
    const tuningA = await scenario.api.createContent("tuning-expressions", { name: "Ignore scanners A", expression: "src_ip != 10.0.0.5", rules: ["Brute Force A"] });
    const tuningB = await scenario.api.createContent("tuning-expressions", { name: "Ignore scanners B", expression: "src_ip != 10.0.0.6", rules: ["Brute Force B"] });

    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "tuning-expressions", id: tuningA.id }], targets: { all: true } })).id);
    let held = (await heldContent(tenant.dataDir)).map((c) => `${c.kind}:${c.name}`);
    expect(held).toContain("tuning-expression:Ignore scanners A");
    expect(held).not.toContain("siem-rule:Brute Force A");

    const withRules = { items: [{ kind: "tuning-expressions", id: tuningB.id }], targets: { all: true as const }, options: { includeAssociatedRules: true } };
    const plan = await scenario.api.dryRun(withRules);
    expect(plan.plan.map((p) => p.name).sort()).toEqual(["Brute Force B", "Ignore scanners B"]);
    await scenario.api.waitForPush((await scenario.api.push(withRules)).id);
    held = (await heldContent(tenant.dataDir)).map((c) => `${c.kind}:${c.name}`);
    expect(held).toEqual(expect.arrayContaining(["tuning-expression:Ignore scanners B", "siem-rule:Brute Force B"]));
  });

  it("a folder pushed with scheduled searches ignored lands in Admin Recommended as saved searches", async () => {
    await scenario.api.createContent("library", { type: "folder", path: "SOC Pack" });
    await scenario.api.createContent("library", { type: "scheduled-search", path: "SOC Pack/Nightly failed logins", query: "event.code:4625", connection: "splunk-prod", schedule: "0 2 * * *" });
    const folder = (await scenario.api.request<{ items: { id: string; name: string }[] }>("GET", "/content/library")).items.find((i) => i.name === "SOC Pack")!;

    const { id } = await scenario.api.push({ items: [{ kind: "library", id: folder.id }], targets: { all: true }, options: { scheduledSearches: "ignore" } });
    await scenario.api.waitForPush(id);
    const names = (await heldContent(tenant.dataDir)).filter((c) => c.kind === "library").map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Admin Recommended/SOC Pack", "Admin Recommended/SOC Pack/Nightly failed logins"]));
    const file = join(tenant.dataDir, "content", "library", "Admin Recommended", "SOC Pack", "Nightly failed logins.json");
    const body = JSON.parse(await readFile(file, "utf8"));
    expect(body.type).toBe("saved-search");
    expect(body.schedule).toBeUndefined();
    expect(body.connection).toBeUndefined();
    expect(body.query).toBe("event.code:4625");
  });

  it("reports drift after a local edit, and a new push clears it", async () => {
    const field = await scenario.api.createContent("custom-fields", customField("Drift Me"));
    await scenario.api.waitForPush((await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } })).id);
    const file = join(tenant.dataDir, "content", "custom-field", "Drift Me.json");
    const local = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify({ ...local, options: ["edited", "by", "hand"] }, null, 2));

    const { waitFor } = await import("../harness/wait.js");
    const drifted = await waitFor("the hub to see the drift", async () => {
      const item = await scenario.api.getContent("custom-fields", field.id);
      return item.sync.drifted === 1 ? item : undefined;
    });
    expect(drifted.sync.synchronized).toBe(false);
    expect(drifted.sync.tenants?.find((t) => t.tenantId === tenant.tenant.id)?.state).toBe("drifted");

    const repush = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });
    await scenario.api.waitForPush(repush.id);
    const healed = await scenario.api.getContent("custom-fields", field.id);
    expect(healed.sync).toMatchObject({ synchronized: true, drifted: 0 });
    expect(JSON.parse(await readFile(file, "utf8")).options).toEqual(["low", "high"]);
  });
});
