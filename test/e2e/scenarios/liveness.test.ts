import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Scenario } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

const HEARTBEAT_MS = 1000;

describe("liveness", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start({ heartbeatMs: HEARTBEAT_MS });
  });
  afterAll(() => scenario?.close());

  it("an online agent shows its RTT from the heartbeats, before anyone pings it", async () => {
    const paired = await scenario.addAgent("Heartbeat RTT Co");
    await scenario.api.waitForStatus(paired.tenant.id, "online");
    const measured = await waitFor("an RTT from heartbeats", async () => {
      const tenant = await scenario.api.getTenant(paired.tenant.id);
      return tenant.rttMs !== null ? tenant : undefined;
    }, { timeoutMs: 3 * HEARTBEAT_MS });
    expect(measured.rttMs).toBeGreaterThanOrEqual(0);
    expect(measured.rttMs).toBeLessThan(HEARTBEAT_MS);
  });

  it("a killed agent shows offline within the heartbeat window", async () => {
    const paired = await scenario.addAgent("Killed Agent Co");
    const online = await scenario.api.waitForStatus(paired.tenant.id, "online");
    const killedAt = Date.now();
    paired.child!.process.kill("SIGKILL");
    const offline = await scenario.api.waitForStatus(paired.tenant.id, "offline", 3 * HEARTBEAT_MS);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(3 * HEARTBEAT_MS);
    expect(new Date(offline.lastSeenAt!).getTime()).toBeGreaterThanOrEqual(new Date(online.lastSeenAt!).getTime());
    await expect(scenario.api.ping(paired.tenant.id)).rejects.toMatchObject({ status: 409 });
  });

  it("a stopped agent (SIGTERM) exits 0 and shows offline, still paired", async () => {
    const paired = await scenario.addAgent("Stopped Agent Co");
    await scenario.api.waitForStatus(paired.tenant.id, "online");
    expect(await paired.child!.stop()).toBe(0);
    await scenario.api.waitForStatus(paired.tenant.id, "offline", 3 * HEARTBEAT_MS);
  });
});
