import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCli } from "../harness/agents.js";
import { Scenario } from "../harness/scenario.js";
import { percentile } from "../harness/wait.js";

describe("pairing twenty agents", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start();
  });
  afterAll(() => scenario?.close());

  it("pairs 20 agents (half as processes, half in-process) and shows them all online", async () => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scenario.addAgent(`Tenant ${String(i + 1).padStart(2, "0")}`, i % 2 === 0 ? "process" : "in-process"),
      ),
    );
    await Promise.all(scenario.agents.map((a) => scenario.api.waitForStatus(a.tenant.id, "online", 20_000)));
    const elapsed = performance.now() - started;
    console.log(`[figure] pair 20 agents (create tenant + code + CLI pair + connect): ${elapsed.toFixed(0)} ms`);

    const tenants = await scenario.api.listTenants();
    expect(tenants).toHaveLength(20);
    for (const tenant of tenants) {
      expect(tenant.status).toBe("online");
      expect(tenant.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(tenant.lastSeenAt).not.toBeNull();
    }
  });

  it("pings each agent and reports its round-trip time", async () => {
    const rtts: number[] = [];
    for (const { tenant } of scenario.agents) {
      const answer = await scenario.api.ping(tenant.id);
      expect(answer.rttMs).toBeGreaterThanOrEqual(0);
      expect(answer.rttMs).toBeLessThan(1000);
      expect(answer.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
      rtts.push(answer.rttMs);
    }
    console.log(`[figure] ping RTT over 20 agents: p50 ${percentile(rtts, 50).toFixed(2)} ms, p95 ${percentile(rtts, 95).toFixed(2)} ms`);
    const after = await scenario.api.getTenant(scenario.agents[0]!.tenant.id);
    expect(after.rttMs).not.toBeNull();
  });

  it("shows the pairing in the agent's own status", async () => {
    const { dataDir, tenant } = scenario.agents[0]!;
    const { code, stdout } = await agentCli(["status", "--json", "--data-dir", dataDir]);
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    expect(status.paired).toBe(true);
    expect(status.tenantId).toBe(tenant.id);
    expect(status.hubUrl).toBe(scenario.hub.url);
    expect(status.connected).toBe(true);
  });
});
