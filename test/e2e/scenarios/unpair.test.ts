import { cp } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCli, spawnAgentRun } from "../harness/agents.js";
import { RawAgent, readAgentCredentials } from "../harness/raw-agent.js";
import { Scenario } from "../harness/scenario.js";

describe("unpairing", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start();
  });
  afterAll(() => scenario?.close());

  it("from the hub: the agent is told, stops, and its key never gets back in", async () => {
    const paired = await scenario.addAgent("Unpair From Hub Ltd");
    await scenario.api.waitForStatus(paired.tenant.id, "online");
    const stolen = scenario.dir("stolen-copy");
    await cp(paired.dataDir, stolen, { recursive: true });
    const credentials = await readAgentCredentials(stolen);

    const tenant = await scenario.api.unpair(paired.tenant.id);
    expect(tenant.status).toBe("unpaired");
    expect(await paired.child!.exited).toBe(3);
    expect(paired.child!.stdout() + paired.child!.stderr()).toMatch(/unpaired/i);

    // The agent forgot its credentials: `run` now refuses to start.
    const rerun = await agentCli(["run", "--data-dir", paired.dataDir]);
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toMatch(/not paired/i);

    // A copy of the old credentials is refused with "revoked", by the CLI and on the wire.
    const replay = spawnAgentRun(stolen);
    scenario.track(replay);
    expect(await replay.exited).toBe(3);
    const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
    await raw.hello(credentials.agentId, credentials.privateKeyPem);
    expect((await raw.closed).code).toBe(4003);
    expect((await scenario.api.getTenant(paired.tenant.id)).status).toBe("unpaired");
  });

  it("from the agent CLI: the hub shows the tenant unpaired", async () => {
    const paired = await scenario.addAgent("Unpair From Agent GmbH");
    await scenario.api.waitForStatus(paired.tenant.id, "online");
    await paired.child!.stop();
    await scenario.api.waitForStatus(paired.tenant.id, "offline");

    const result = await agentCli(["unpair", "--data-dir", paired.dataDir]);
    expect(result.code).toBe(0);
    expect((await scenario.api.getTenant(paired.tenant.id)).status).toBe("unpaired");
    const status = await agentCli(["status", "--json", "--data-dir", paired.dataDir]);
    expect(JSON.parse(status.stdout).paired).toBe(false);
  });

  it("a tenant can be paired again after unpairing", async () => {
    const paired = await scenario.addAgent("Pair Again AG");
    await scenario.api.unpair(paired.tenant.id);
    await paired.child!.exited;
    const { code } = await scenario.api.pairingCode(paired.tenant.id);
    const again = await agentCli(["pair", "--hub", scenario.hub.url, "--code", code, "--data-dir", paired.dataDir]);
    expect(again.code).toBe(0);
    scenario.track(spawnAgentRun(paired.dataDir));
    await scenario.api.waitForStatus(paired.tenant.id, "online");
  });
});
