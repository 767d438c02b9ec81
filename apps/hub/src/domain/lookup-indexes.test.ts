import { createMemoryStore, StoreWriteError } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../test/helpers.js";
import { Agents } from "./agents.js";
import { Tenants } from "./tenants.js";

/** A memory store whose writes fail while `failing` holds, as a full disk would. */
function faultyStore() {
  const disk = { failing: false };
  const store = createMemoryStore({
    fault: () => {
      if (disk.failing) throw Object.assign(new Error("no space"), { code: "ENOSPC" });
    },
  });
  return { store, disk };
}

const agentOf = (tenantId: string, code: string) => ({ tenantId, publicKey: `key-${code}`, hostname: "h", platform: "linux", agentVersion: "1", pairingCode: code });

describe("the lookups pairing makes (names, a tenant's agent, a used code)", () => {
  it("follow creates, renames, deletes and revocations", async () => {
    const { store } = faultyStore();
    const tenants = new Tenants(store, manualClock());
    const agents = new Agents(store, manualClock());
    const acme = tenants.create({ name: "Acme" });
    expect(() => tenants.create({ name: "ACME" })).toThrow(/already exists/);
    tenants.update(acme.id, { name: "Acme Renamed" });
    expect(tenants.create({ name: "acme" }).name).toBe("acme");
    expect(() => tenants.create({ name: "acme renamed" })).toThrow(/already exists/);

    const first = agents.create(agentOf(acme.id, "code-1"));
    expect(agents.activeFor(acme.id)?.id).toBe(first.id);
    expect(agents.pairedWith("code-1")?.id).toBe(first.id);
    agents.revoke(first.id, "ops", "unpaired");
    expect(agents.activeFor(acme.id)).toBeUndefined();
    expect(agents.pairedWith("code-1")?.id).toBe(first.id);
    const second = agents.create(agentOf(acme.id, "code-2"));
    expect([...agents.activeByTenant()].map(([tenantId, agent]) => [tenantId, agent.id])).toEqual([[acme.id, second.id]]);

    tenants.delete(acme.id);
    expect(tenants.create({ name: "Acme Renamed" }).name).toBe("Acme Renamed");
    await store.flush();
  });

  it("forget what a failed write took back, and see what is durable", async () => {
    const { store, disk } = faultyStore();
    const tenants = new Tenants(store, manualClock());
    const agents = new Agents(store, manualClock());
    const kept = tenants.create({ name: "Kept" });
    const keptAgent = agents.create(agentOf(kept.id, "code-kept"));
    await store.flush();

    disk.failing = true;
    const lost = tenants.create({ name: "Lost" });
    agents.create(agentOf(lost.id, "code-lost"));
    agents.revoke(keptAgent.id, "ops", "unpaired");
    tenants.update(kept.id, { name: "Kept Renamed" });
    await expect(store.flush()).rejects.toBeInstanceOf(StoreWriteError);
    disk.failing = false;

    expect(tenants.create({ name: "Lost" }).name).toBe("Lost");
    expect(() => tenants.create({ name: "kept" })).toThrow(/already exists/);
    expect(tenants.create({ name: "Kept Renamed" }).name).toBe("Kept Renamed");
    expect(agents.pairedWith("code-lost")).toBeUndefined();
    expect(agents.activeFor(lost.id)).toBeUndefined();
    expect(agents.activeFor(kept.id)?.id).toBe(keptAgent.id);
    await store.flush();
  });
});
