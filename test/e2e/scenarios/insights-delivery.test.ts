import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgentRun } from "../harness/agents.js";
import {
  agentInsights,
  getInsight,
  hubInsightId,
  importInsights,
  insightLines,
  listAllInsights,
  patchInsight,
  waitForAcknowledged,
  waitForInsightTotal,
  writeNdjson,
} from "../harness/insights.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";

describe("insights survive agents going offline and the hub restarting", () => {
  let scenario: Scenario;
  let north: PairedAgent;
  let south: PairedAgent;

  beforeAll(async () => {
    scenario = await Scenario.start();
    north = await scenario.addAgent("North Tenant", "process");
    south = await scenario.addAgent("South Tenant", "process");
    for (const a of [north, south]) await scenario.api.waitForStatus(a.tenant.id, "online");
    await importInsights(north.dataDir, await writeNdjson(scenario.dir("north.ndjson"), insightLines("north", 30)));
    await importInsights(south.dataDir, await writeNdjson(scenario.dir("south.ndjson"), insightLines("south", 20)));
    await waitForInsightTotal(scenario.api, 50);
  });
  afterAll(() => scenario?.close());

  it("an agent offline during a change applies it after reconnecting, and the board says it is queued", async () => {
    expect(await north.child!.stop()).toBe(0);
    await scenario.api.waitForStatus(north.tenant.id, "offline");
    const id = hubInsightId(north.tenant.id, "north-0007");
    const accepted = await patchInsight(scenario.api, id, { status: "closed", comment: "False positive: backup job" });
    expect(accepted.pending).toMatchObject({ status: "closed", delivery: "queued", comments: 1 });
    expect(accepted.status).toBe("new");
    expect((await agentInsights(north.dataDir)).find((i) => i.id === "north-0007")!.status).toBe("new");

    north.child = scenario.track(spawnAgentRun(north.dataDir));
    const acked = await waitForAcknowledged(scenario.api, id, 20_000);
    expect(acked.status).toBe("closed");
    const held = (await agentInsights(north.dataDir)).find((i) => i.id === "north-0007")!;
    expect(held.status).toBe("closed");
    expect(held.comments.map((c) => c.body)).toEqual(["False positive: backup job"]);
  });

  it("a change queued for an offline tenant survives a hub restart too", async () => {
    expect(await south.child!.stop()).toBe(0);
    await scenario.api.waitForStatus(south.tenant.id, "offline");
    const id = hubInsightId(south.tenant.id, "south-0002");
    await patchInsight(scenario.api, id, { status: "in_progress" });
    const port = scenario.hub.port;
    expect(await scenario.hub.stop()).toBe(0);
    await scenario.startHub({ port });
    expect((await getInsight(scenario.api, id)).pending).toMatchObject({ status: "in_progress", delivery: "queued" });
    south.child = scenario.track(spawnAgentRun(south.dataDir));
    expect((await waitForAcknowledged(scenario.api, id, 20_000)).status).toBe("in_progress");
    expect((await agentInsights(south.dataDir)).find((i) => i.id === "south-0002")!.status).toBe("in_progress");
  });

  it("a hub killed with SIGKILL loses no acknowledged insight, and an agent's outbox fills the gap", async () => {
    await scenario.api.waitForStatus(north.tenant.id, "online");
    await importInsights(north.dataDir, await writeNdjson(scenario.dir("north-more.ndjson"), insightLines("north-late", 12)));
    await waitForInsightTotal(scenario.api, 62);
    const before = await listAllInsights(scenario.api, { limit: 200 });
    const port = scenario.hub.port;
    await scenario.hub.kill();
    // While the hub is down the tenant keeps finding things: they wait in the agent's outbox.
    await importInsights(south.dataDir, await writeNdjson(scenario.dir("south-more.ndjson"), insightLines("south-late", 8)));
    await scenario.startHub({ port });
    const afterRestart = await listAllInsights(scenario.api, { limit: 200 });
    expect(new Set(afterRestart.map((i) => i.id))).toEqual(new Set([...before.map((i) => i.id), ...afterRestart.filter((i) => i.localId.startsWith("south-late")).map((i) => i.id)]));
    expect(afterRestart.length).toBeGreaterThanOrEqual(62);
    await waitForInsightTotal(scenario.api, 70, {}, 30_000);
    const closed = await getInsight(scenario.api, hubInsightId(north.tenant.id, "north-0007"));
    expect(closed.status).toBe("closed");
  });
});
