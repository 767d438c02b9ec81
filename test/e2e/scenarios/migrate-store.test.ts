import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode } from "../harness/child.js";
import { customField } from "../harness/content.js";
import { importInsights, insightLines, listAllInsights, waitForInsightTotal, writeNdjson } from "../harness/insights.js";
import { hubBin } from "../harness/paths.js";
import { Scenario } from "../harness/scenario.js";

/** Everything a user sees in the lists, in the order the hub answers them. */
async function lists(scenario: Scenario) {
  const api = scenario.api;
  const page = <T>(path: string) => api.request<{ items: T[] }>("GET", path).then((r) => r.items);
  return {
    tenants: (await api.listTenants()).map(({ id, name, tags }) => ({ id, name, tags })),
    content: await page("/content/custom-fields?limit=100"),
    pushes: (await page<{ id: string; state: string; progress: unknown }>("/pushes?limit=100")).map(({ id, state, progress }) => ({ id, state, progress })),
    insights: await listAllInsights(api, { limit: 200 }),
    dashboards: await page("/dashboards"),
    apiKeys: await page("/api-keys"),
    audit: await page("/audit?limit=200"),
  };
}

describe("moving a hub from the embedded store onto PostgreSQL (canopy-hub migrate-store)", () => {
  let scenario: Scenario;
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase(testDatabaseUrl(), "migrate_e2e");
    // The embedded store, whatever store the rest of the suite runs on.
    scenario = await Scenario.start({ env: { CANOPY_DATABASE_URL: "" } });
    for (let i = 0; i < 3; i++) await scenario.addAgent(`Migrating Tenant ${i}`, "process");
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online")));
    const field = await scenario.api.createContent("custom-fields", customField("Carried Over"));
    const { id } = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });
    expect((await scenario.api.waitForPush(id)).state).toBe("completed");
    for (const [index, agent] of scenario.agents.entries()) {
      await importInsights(agent.dataDir, await writeNdjson(scenario.dir(`insights-${index}`), insightLines(`m${index}`, 12)));
    }
    await waitForInsightTotal(scenario.api, 36);
  });
  afterAll(async () => {
    await scenario?.close();
    await database?.drop();
  });

  it("copies everything; the agents come back online without pairing again, and every list is the same", async () => {
    const before = await lists(scenario);
    const port = scenario.hub.port;
    expect(await scenario.hub.stop()).toBe(0);

    const migrated = await runNode(hubBin, ["migrate-store", "--data-dir", scenario.hubDataDir, "--database-url", database.url]);
    expect(migrated.stderr).toMatch(/copying \d+ documents in \d+ collections/);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^copied \d+ documents/m);
    expect(migrated.stdout).not.toContain(new URL(database.url).password || "\u0000");

    await scenario.startHub({ port, env: { CANOPY_DATABASE_URL: database.url } });
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online", 20_000)));
    const after = await lists(scenario);
    // The audit (newest first) only gained the login the harness made on the new hub.
    const added = after.audit.slice(0, after.audit.length - before.audit.length);
    expect(added.map((entry) => (entry as { action: string }).action)).toEqual(["auth.login"]);
    expect({ ...after, audit: after.audit.slice(added.length) }).toEqual(before);
    // A ping goes over the same pinned link: the agents never paired again.
    for (const { tenant } of scenario.agents) expect((await scenario.api.ping(tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses to copy into a database that already holds a hub, and changes nothing", async () => {
    const again = await runNode(hubBin, ["migrate-store", "--data-dir", scenario.hubDataDir, "--database-url", database.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a hub's data; migrate into an empty database/);
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online")));
  });
});
