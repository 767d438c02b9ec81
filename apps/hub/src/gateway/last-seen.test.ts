import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { newAgent } from "../domain/agents.js";
import { createTenant } from "../domain/tenants.js";
import { LastSeenWriter } from "./last-seen.js";

describe.each<HubDataKind>(["embedded", "postgres"])("last-seen times (%s)", (kind) => {
  let clock: ReturnType<typeof manualClock>;
  let h: HubDataHarness;
  beforeEach(async () => {
    clock = manualClock();
    h = await openHubData(kind, clock);
  });
  afterEach(() => h.close());

  const pairAgents = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        h.data.write(async (tx) => {
          const tenant = await createTenant(tx.tenants, clock, { name: `tenant ${i}`, parentId: null, capabilities: [] });
          const agent = newAgent({ tenantId: tenant.id, publicKey: `key-${i}`, hostname: "host", platform: "linux", agentVersion: "1.0.0", pairingCode: `code-${i}` }, clock);
          await tx.agents.insert(agent);
          return agent;
        }),
      ),
    );

  it("writes the disconnects of one turn together, a unit of work per batch, and each agent's own time", async () => {
    const agents = await pairAgents(5);
    const writer = new LastSeenWriter(h.data, 2);
    const writes = vi.spyOn(h.data, "write");
    const seen = agents.map((_, i) => `2026-12-06T10:00:0${i}.000Z`);
    await Promise.all(agents.map((agent, i) => writer.record(agent.id, { lastSeenAt: seen[i]!, agentVersion: `1.0.${i}` })));
    expect(writes).toHaveBeenCalledTimes(3); // 5 agents, 2 a unit of work
    for (const [i, agent] of agents.entries()) expect(await h.data.agents.get(agent.id)).toMatchObject({ lastSeenAt: seen[i], agentVersion: `1.0.${i}` });

    // A later turn is a write of its own, and the agent's later time wins.
    await writer.record(agents[0]!.id, { lastSeenAt: "2026-12-06T11:00:00.000Z" });
    expect(writes).toHaveBeenCalledTimes(4);
    expect((await h.data.agents.get(agents[0]!.id))?.lastSeenAt).toBe("2026-12-06T11:00:00.000Z");
  });

  it("leaves out an agent that is gone (unpaired and deleted meanwhile) and writes the others", async () => {
    const [agent] = await pairAgents(1);
    const writer = new LastSeenWriter(h.data);
    await Promise.all([writer.record("agent-gone", { lastSeenAt: "2026-12-06T10:00:00.000Z" }), writer.record(agent!.id, { lastSeenAt: "2026-12-06T10:00:01.000Z" })]);
    expect((await h.data.agents.get(agent!.id))?.lastSeenAt).toBe("2026-12-06T10:00:01.000Z");
    expect(await h.data.agents.get("agent-gone")).toBeUndefined();
  });
});
