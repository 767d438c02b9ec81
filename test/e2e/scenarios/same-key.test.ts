import { cp } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgentRun } from "../harness/agents.js";
import { Scenario } from "../harness/scenario.js";

describe("two agents with the same key", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start();
  });
  afterAll(() => scenario?.close());

  it("the newer connection replaces the older, which stops", async () => {
    const first = await scenario.addAgent("Cloned Agent Corp");
    await scenario.api.waitForStatus(first.tenant.id, "online");
    const cloneDir = scenario.dir("clone");
    // The running agent keeps writing its store: a `.tmp` (next generation) or `.bak` (previous)
    // listed by cp can be gone by the time it is copied. The clone needs only the current files.
    await cp(first.dataDir, cloneDir, { recursive: true, filter: (path) => !/\.(tmp|bak)$/.test(path) });

    const second = scenario.track(spawnAgentRun(cloneDir));
    expect(await first.child!.exited).toBe(4);
    expect(first.child!.stdout() + first.child!.stderr()).toMatch(/replaced/i);
    const tenant = await scenario.api.waitForStatus(first.tenant.id, "online");
    expect(tenant.status).toBe("online");
    expect(second.process.exitCode).toBeNull();
    expect((await scenario.api.ping(first.tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });
});
