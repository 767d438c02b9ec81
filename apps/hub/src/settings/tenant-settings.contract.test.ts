import { DEFAULT_TENANT_SETTINGS, insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { BASE_TIME, makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { openRepository, type RepositoryHarness } from "../../test/insight-repositories.js";
import { hubInsightId } from "../insights/insight-entry.js";
import type { TenantSettingsRecord } from "./tenant-settings-records.js";

const DAY = 24 * 3600_000;
const bytesOf = (insights: Insight[]) => insights.reduce((sum, insight) => sum + Buffer.byteLength(JSON.stringify(insightJson(insight))), 0);

describe.each<HubDataKind>(["embedded", "postgres"])("tenant settings records (%s)", (kind) => {
  let h: HubDataHarness;
  beforeEach(async () => {
    h = await openHubData(kind, manualClock());
  });
  afterEach(() => h.close());

  const record = (id: string, extra: Partial<TenantSettingsRecord> = {}): TenantSettingsRecord => ({
    id,
    ...DEFAULT_TENANT_SETTINGS,
    updatedAt: "2030-01-15T12:00:00.000Z",
    ...extra,
  });

  it("keeps every field, lists the tenants with a retention, and forgets a deleted tenant's", async () => {
    const full = record("tnt_a", {
      retentionDays: 30,
      dailyVolumeGb: 0.25,
      accessibleByParent: false,
      searchableFromParent: false,
      utilizationMetrics: true,
      sharedObjectsFrom: ["tnt_b"],
      securityAccount: { name: "SOC", enabledFor: ["tnt_a", "tnt_b"] },
    });
    await h.data.write((tx) => tx.tenantSettings.put(full));
    await h.data.write((tx) => tx.tenantSettings.put(record("tnt_b")));
    expect(await h.data.tenantSettings.get("tnt_a")).toEqual(full);
    expect(await h.data.tenantSettings.get("tnt_none")).toBeUndefined();
    expect(await h.data.tenantSettings.withRetention()).toEqual([{ id: "tnt_a", retentionDays: 30 }]);
    expect(await h.data.tenantSettings.closedToParents()).toEqual([{ id: "tnt_a", searchableFromParent: false, accessibleByParent: false }]);
    expect(await h.data.tenantSettings.securityAccounts()).toEqual([{ orgId: "tnt_a", name: "SOC", enabledFor: ["tnt_a", "tnt_b"] }]);

    await h.data.write((tx) => tx.tenantSettings.put({ ...full, retentionDays: null, securityAccount: null }));
    expect(await h.data.tenantSettings.withRetention()).toEqual([]);
    expect(await h.data.tenantSettings.securityAccounts()).toEqual([]);
    expect(await h.data.write((tx) => tx.tenantSettings.delete("tnt_a"))).toBe(true);
    expect(await h.data.tenantSettings.get("tnt_a")).toBeUndefined();
  });

  it("keeps nothing of a change whose write was refused", async () => {
    await h.data.write((tx) => tx.tenantSettings.put(record("tnt_a", { dailyVolumeGb: 2 })));
    await h.breakWrites();
    await expect(
      h.data.write(async (tx) => {
        await tx.tenantSettings.put(record("tnt_a", { dailyVolumeGb: 5 }));
        // Written with it in the same unit of work, as PATCH does: refused with it.
        await tx.tenants.insert({ id: "tnt_x", name: "X", description: "", tags: [], parentId: null, createdAt: "2030-01-15T12:00:00.000Z", updatedAt: "2030-01-15T12:00:00.000Z" });
      }),
    ).rejects.toThrow();
    await h.mendWrites();
    expect((await h.data.tenantSettings.get("tnt_a"))?.dailyVolumeGb).toBe(2);
  });
});

describe.each(["embedded", "postgres"] as const)("insight usage and retention in the insight repository (%s)", (kind) => {
  let h: RepositoryHarness;
  beforeEach(async () => {
    h = await openRepository(kind);
    await h.repository.open([]);
  });
  afterEach(() => h.close());

  async function ingest(tenantId: string, insights: Insight[], countOn?: string) {
    const stored = await h.repository.store(tenantId, insights, { countOn });
    await h.repository.durable();
    await h.repository.show(tenantId, stored.kept);
    return stored;
  }

  it("counts a batch's kept insights and their bytes on its day, once: a resent batch adds nothing", async () => {
    const random = seededRandom(3);
    const batch = [makeInsight(random, 1), makeInsight(random, 2), makeInsight(random, 3)];
    const stored = await ingest("tnt_a", batch, "2030-01-15");
    expect(stored.bytes).toBe(bytesOf(batch));
    expect(await h.usage.day("tnt_a", "2030-01-15")).toEqual({ day: "2030-01-15", count: 3, bytes: bytesOf(batch) });
    await ingest("tnt_a", batch, "2030-01-15");
    const newer = { ...batch[0]!, title: "changed", revision: batch[0]!.revision + 1 };
    await ingest("tnt_a", [newer], "2030-01-16");
    // A board change the agent acknowledged is stored without counting.
    await ingest("tnt_a", [{ ...newer, revision: newer.revision + 1 }]);
    expect(await h.usage.days("tnt_a", "2030-01-01", "2030-01-31")).toEqual([
      { day: "2030-01-15", count: 3, bytes: bytesOf(batch) },
      { day: "2030-01-16", count: 1, bytes: bytesOf([newer]) },
    ]);
    expect(await h.usage.day("tnt_b", "2030-01-15")).toEqual({ day: "2030-01-15", count: 0, bytes: 0 });
    expect(await h.usage.forgetBefore("tnt_a", "2030-01-16")).toBe(1);
    expect((await h.usage.days("tnt_a", "2030-01-01", "2030-01-31")).map((d) => d.day)).toEqual(["2030-01-16"]);
  });

  it("counts nothing of a batch whose write failed", async () => {
    const random = seededRandom(4);
    await ingest("tnt_a", [makeInsight(random, 1)], "2030-01-15");
    const before = await h.usage.day("tnt_a", "2030-01-15");
    await h.breakWrites();
    await expect(ingest("tnt_a", [makeInsight(random, 2), makeInsight(random, 3)], "2030-01-15")).rejects.toThrow();
    await h.mendWrites();
    expect(await h.usage.day("tnt_a", "2030-01-15")).toEqual(before);
  });

  it("purges only the tenant's insights created before the cutoff, oldest first, in steps", async () => {
    const random = seededRandom(5);
    const at = (days: number) => new Date(BASE_TIME + days * DAY);
    const old = Array.from({ length: 5 }, (_, n) => makeInsight(random, n, { id: `old-${n}`, createdAt: at(n) }));
    const recent = Array.from({ length: 3 }, (_, n) => makeInsight(random, 10 + n, { id: `new-${n}`, createdAt: at(20 + n) }));
    await ingest("tnt_a", [...old, ...recent]);
    await ingest("tnt_b", old.map((insight) => ({ ...insight })));
    const cutoff = BASE_TIME + 10 * DAY;

    expect(await h.repository.purgeCreatedBefore("tnt_a", cutoff, 3)).toEqual(["old-0", "old-1", "old-2"].map((id) => hubInsightId("tnt_a", id)));
    expect(await h.repository.purgeCreatedBefore("tnt_a", cutoff, 3)).toEqual(["old-3", "old-4"].map((id) => hubInsightId("tnt_a", id)));
    expect(await h.repository.purgeCreatedBefore("tnt_a", cutoff, 3)).toEqual([]);
    const left = await h.repository.list({ tenantIds: ["tnt_a"], sort: "createdAt", order: "asc", limit: 50 });
    expect(left.items.map((e) => e.localId)).toEqual(["new-0", "new-1", "new-2"]);
    expect(left.total).toBe(3);
    expect(await h.repository.get(hubInsightId("tnt_a", "old-0"))).toBeUndefined();
    expect((await h.repository.list({ tenantIds: ["tnt_b"], sort: "createdAt", order: "asc", limit: 50 })).total).toBe(5);
    expect(await h.repository.count()).toBe(8);
  });
});
