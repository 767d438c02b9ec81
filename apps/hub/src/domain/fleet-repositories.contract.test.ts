import { StoreWriteError } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { isoAt } from "../core/clock.js";
import { newAgent, revokedAgent } from "./agents.js";
import type { AgentRecord, PairingCodeRecord, TenantRecord } from "./records.js";
import type { TenantPageQuery, TenantRow } from "./tenant-repository.js";
import { createTenant, removeTenant, updateTenant } from "./tenants.js";

const NAMES = ["acme", "Acme Corp", "ACME West", "Ångström AB", "beta", "Beta 2", "Globex", "initech", "Initrode", "Ünïcode GmbH", "zeta 🦊", "Zulu", "10 Downing", "9 Lives"];

describe.each<HubDataKind>(["embedded", "postgres"])("tenants, agents and pairing codes (%s)", (kind) => {
  let clock: ReturnType<typeof manualClock>;
  let h: HubDataHarness;
  beforeEach(async () => {
    clock = manualClock();
    h = await openHubData(kind, clock);
  });
  afterEach(() => h.close());

  const create = (name: string, extra: { tags?: string[]; description?: string; parentId?: string } = {}) => h.data.write((tx) => createTenant(tx.tenants, clock, { name, parentId: null, capabilities: [], ...extra }));
  const pair = (tenantId: string, code: string, hostname = "host") =>
    h.data.write(async (tx) => {
      const agent = newAgent({ tenantId, publicKey: `key-${code}`, hostname, platform: "linux", agentVersion: "1.0.0", pairingCode: code }, clock);
      await tx.agents.insert(agent);
      return agent;
    });

  it("keeps names unique ignoring case, through creates, renames and deletes", async () => {
    const acme = await create("Acme");
    await expect(create("ACME")).rejects.toMatchObject({ status: 409, code: "tenant_name_taken" });
    const globex = await create("Globex");
    await expect(h.data.write((tx) => updateTenant(tx.tenants, clock, globex.id, { name: "acme" }))).rejects.toMatchObject({ code: "tenant_name_taken" });
    await h.data.write((tx) => updateTenant(tx.tenants, clock, acme.id, { name: "Acme Renamed" }));
    expect((await create("acme")).name).toBe("acme");
    await h.data.write((tx) => updateTenant(tx.tenants, clock, globex.id, { name: "GLOBEX", tags: [" eu ", "eu", "gold"] }));
    expect(await h.data.tenants.get(globex.id)).toMatchObject({ name: "GLOBEX", tags: ["eu", "gold"] });
    await h.data.write((tx) => removeTenant(tx.tenants, globex.id));
    expect((await create("globex")).name).toBe("globex");
    expect((await h.data.tenants.all()).map((t) => t.name).sort()).toEqual(["Acme Renamed", "acme", "globex"]);
  });

  it("decides a race between two creations of one name: one is created, the other is told", async () => {
    const outcomes = await Promise.allSettled([create("Twin"), create("twin")]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({ reason: { code: "tenant_name_taken" } });
    expect(await h.data.tenants.all()).toHaveLength(1);
  });

  it("refuses to delete a parent, finds children by parent, and finds tenants by id, several at once", async () => {
    const parent = await create("Parent MSP");
    const child = await create("Child", { parentId: parent.id });
    expect((await h.data.tenants.childrenOf([parent.id])).map((t) => t.id)).toEqual([child.id]);
    expect((await h.data.tenants.childrenOf([null])).map((t) => t.id)).toEqual([parent.id]);
    await expect(h.data.write((tx) => removeTenant(tx.tenants, parent.id))).rejects.toMatchObject({ status: 409, code: "tenant_has_children" });
    expect((await h.data.tenants.firstChild(parent.id))?.id).toBe(child.id);
    const found = await h.data.tenants.getMany([child.id, "tnt_nope", parent.id]);
    expect([...found.keys()].sort()).toEqual([child.id, parent.id].sort());
    await h.data.write((tx) => removeTenant(tx.tenants, child.id));
    await h.data.write((tx) => removeTenant(tx.tenants, parent.id));
    expect(await h.data.tenants.all()).toEqual([]);
  });

  it("pages by name then id with every filter, exactly as a brute-force reference does", async () => {
    const tenants: TenantRecord[] = [];
    const agents = new Map<string, AgentRecord>();
    for (const [i, name] of NAMES.entries()) {
      const tenant = await create(name, { tags: i % 3 === 0 ? ["Gold", "eu"] : i % 3 === 1 ? ["eu"] : [], description: i % 4 === 0 ? "Managed SOC customer" : "" });
      tenants.push(tenant);
      if (i % 5 !== 4) agents.set(tenant.id, await pair(tenant.id, `code-${i}`, i % 2 === 0 ? `WEB-${i}.corp` : `db-${i}`));
      clock.advance(1);
    }
    const connected = new Set([...agents.values()].filter((_, i) => i % 2 === 0).map((agent) => agent.id));
    const statusOf = (t: TenantRecord) => (agents.has(t.id) ? (connected.has(agents.get(t.id)!.id) ? "online" : "offline") : "unpaired");
    const key = (t: TenantRecord): [string, string] => [t.name.toLowerCase(), t.id];
    const compare = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    const reference = (query: Omit<TenantPageQuery, "limit" | "after">) =>
      tenants
        .filter((t) => query.tag === undefined || t.tags.includes(query.tag))
        .filter((t) => query.status === undefined || statusOf(t) === query.status.is)
        .filter((t) => !query.needle || [t.name, t.description, agents.get(t.id)?.hostname ?? "", ...t.tags].some((text) => text.toLowerCase().includes(query.needle!)))
        .sort((a, b) => compare(key(a), key(b)))
        .map((t) => t.id);
    const queries: Omit<TenantPageQuery, "limit" | "after">[] = [
      {},
      { tag: "Gold" },
      { tag: "gold" },
      { needle: "acme" },
      { needle: "web-" },
      { needle: "soc" },
      { needle: "🦊" },
      { needle: "ång" },
      { needle: "%" },
      { status: { is: "online", connected } },
      { status: { is: "offline", connected } },
      { status: { is: "unpaired", connected } },
      { tag: "eu", needle: "i", status: { is: "offline", connected } },
    ];
    for (const query of queries) {
      const seen: string[] = [];
      let after: [string, string] | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const rows: TenantRow[] = await h.data.tenants.page({ ...query, limit: 4, after });
        const page = rows.slice(0, 4);
        for (const row of page) expect(row.agent?.id).toBe(agents.get(row.tenant.id)?.id);
        seen.push(...page.map((row) => row.tenant.id));
        if (rows.length <= 4) break;
        after = key(page.at(-1)!.tenant);
      }
      expect(seen, JSON.stringify({ ...query, status: query.status?.is })).toEqual(reference(query));
    }
  });

  it("keeps one active agent per tenant, finds agents by tenant and by the code they used", async () => {
    const acme = await create("Acme");
    const first = await pair(acme.id, "code-a");
    expect(await h.data.agents.activeFor(acme.id)).toEqual(first);
    expect(await h.data.tenants.getWithAgent(acme.id)).toEqual({ tenant: acme, agent: first });
    expect(await h.data.tenants.getWithAgent("tnt_nope")).toBeUndefined();
    await expect(pair(acme.id, "code-b")).rejects.toMatchObject({ status: 409, code: "already_paired" });
    expect((await h.data.agents.activeByTenant()).get(acme.id)?.id).toBe(first.id);
    // Revoked first, in the same unit, the tenant can pair again.
    const second = await h.data.write(async (tx) => {
      await tx.agents.update(revokedAgent((await tx.agents.activeFor(acme.id))!, "ops", "replaced", clock));
      const agent = newAgent({ tenantId: acme.id, publicKey: "key-c", hostname: "h2", platform: "linux", agentVersion: "1.0.1", pairingCode: "code-c" }, clock);
      await tx.agents.insert(agent);
      return agent;
    });
    expect((await h.data.agents.activeFor(acme.id))?.id).toBe(second.id);
    expect((await h.data.agents.get(first.id))?.revokedBy).toBe("ops");
    expect((await h.data.agents.pairedWith("code-a"))?.id).toBe(first.id);
    expect((await h.data.agents.pairedWith("code-c"))?.id).toBe(second.id);
    expect(await h.data.agents.pairedWith("code-never")).toBeUndefined();
    expect([...(await h.data.agents.activeByTenant()).values()].map((a) => a.id)).toEqual([second.id]);
  });

  it("keeps live pairing codes, never two with one id, and sweeps used and expired ones", async () => {
    const code = (id: string, tenantId: string, expiresInMs: number, used = false): PairingCodeRecord => ({
      id,
      tenantId,
      createdBy: "ops",
      createdAt: isoAt(clock()),
      expiresAt: isoAt(clock() + expiresInMs),
      usedAt: used ? isoAt(clock()) : null,
      agentId: null,
    });
    expect(await h.data.write((tx) => tx.pairingCodes.insert(code("c1", "tnt_a", 60_000)))).toBe(true);
    expect(await h.data.write((tx) => tx.pairingCodes.insert(code("c1", "tnt_b", 60_000)))).toBe(false);
    expect((await h.data.pairingCodes.get("c1"))?.tenantId).toBe("tnt_a");
    await h.data.write(async (tx) => {
      await tx.pairingCodes.insert(code("c2", "tnt_a", 120_000));
      await tx.pairingCodes.insert(code("c3", "tnt_b", 10_000));
      await tx.pairingCodes.insert(code("c4", "tnt_b", 600_000, true));
    });
    expect(await h.data.write((tx) => tx.pairingCodes.deleteStale(isoAt(clock() + 30_000)))).toBe(2); // c3 expired, c4 used
    expect(await h.data.write((tx) => tx.pairingCodes.deleteForTenant("tnt_a"))).toBe(2);
    expect(await h.data.pairingCodes.get("c2")).toBeUndefined();
    expect(await h.data.write((tx) => tx.pairingCodes.delete("c1"))).toBe(false);
  });

  it("shows nothing of a refused write, and what it held (a name, an active agent, a used code) is free again", async () => {
    const kept = await create("Kept");
    const keptAgent = await pair(kept.id, "code-kept");
    await h.breakWrites();
    const refused = h.data.write(async (tx) => {
      const lost = await createTenant(tx.tenants, clock, { name: "Lost", parentId: null, capabilities: [] });
      await tx.agents.insert(newAgent({ tenantId: lost.id, publicKey: "k", hostname: "h", platform: "linux", agentVersion: "1", pairingCode: "code-lost" }, clock));
      await tx.agents.update(revokedAgent(keptAgent, "ops", "unpaired", clock));
      await updateTenant(tx.tenants, clock, kept.id, { name: "Kept Renamed" });
    });
    await expect(refused).rejects.toBeInstanceOf(StoreWriteError);
    await h.mendWrites();
    expect((await h.data.tenants.all()).map((t) => t.name)).toEqual(["Kept"]);
    expect((await create("Lost")).name).toBe("Lost");
    await expect(create("kept")).rejects.toMatchObject({ code: "tenant_name_taken" });
    expect((await create("Kept Renamed")).name).toBe("Kept Renamed");
    expect(await h.data.agents.pairedWith("code-lost")).toBeUndefined();
    expect((await h.data.agents.activeFor(kept.id))?.id).toBe(keptAgent.id);
  });
});
