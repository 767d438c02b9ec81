import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Scenario } from "../harness/scenario.js";

describe("the hub restarts", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start();
    for (let i = 0; i < 6; i++) await scenario.addAgent(`Restart Tenant ${i}`, i % 2 ? "in-process" : "process");
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online")));
  });
  afterAll(() => scenario?.close());

  it("after a graceful stop, every agent comes back by itself", async () => {
    const port = scenario.hub.port;
    expect(await scenario.hub.stop()).toBe(0);
    await scenario.startHub({ port });
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online", 15_000)));
    const tenants = await scenario.api.listTenants();
    expect(tenants.map((t) => t.status)).toEqual(Array(6).fill("online"));
  });

  it("after a crash (SIGKILL), every agent comes back and nothing paired is lost", async () => {
    const port = scenario.hub.port;
    await scenario.hub.kill();
    await scenario.startHub({ port });
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online", 15_000)));
    for (const { tenant } of scenario.agents) expect((await scenario.api.ping(tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });
});
