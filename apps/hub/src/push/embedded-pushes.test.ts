import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { EmbeddedPushes } from "./embedded-pushes.js";
import { emptyProgress, itemKey, pushCollections, RESULT_CHUNK_ITEMS, type PushPlanDoc, type PushRecord, type TenantResultsDoc } from "./push-records.js";

/**
 * A data dir written before results were chunked: the plan has no `resultChunkItems`, and each
 * tenant's results for every item are one document in its shard. Such a push reads and moves on.
 */
describe("embedded pushes written before results were chunked", () => {
  it("reads a push's results in plan order and saves a result into its tenant's one document", async () => {
    const store = createMemoryStore();
        // More items than a chunk holds now: all of them in one document all the same.
    const keys = Array.from({ length: RESULT_CHUNK_ITEMS + 2 }, (_, n) => itemKey("custom-field", `Rule ${n}`));
    const plan: PushPlanDoc = {
      id: "plan",
      items: keys.map((key, n) => ({ key, kind: "custom-field", name: key.slice(13), itemId: `cnt_${n}`, revision: 1, hash: `h${n}`, dependsOn: [] })),
      tenantIds: ["tnt_b", "tnt_a"],
    };
    const record = { id: "psh_1", state: "running", createdAt: "2030-01-01T00:00:00.000Z" } as PushRecord;
    store.collection<PushRecord>(pushCollections.pushes).put(record);
    store.collection<PushPlanDoc>(pushCollections.plan("psh_1")).put(plan);
    const results = (status: "pending" | "applied") => Object.fromEntries(keys.map((key) => [key, { status }]));
    store.collection<TenantResultsDoc>(pushCollections.results("psh_1", 0)).put({ id: "tnt_b", results: results("applied") });
    store.collection<TenantResultsDoc>(pushCollections.results("psh_1", 1)).put({ id: "tnt_a", results: results("pending") });
    await store.flush();
    const pushes = new EmbeddedPushes(store);

    expect(await pushes.plan("psh_1")).toEqual(plan);
    await pushes.saveResults([{ pushId: "psh_1", tenantId: "tnt_a", key: keys.at(-1)!, status: "failed", error: "no" }]);
    await store.flush();
    expect((await pushes.results("psh_1")).map((r) => `${r.tenantId} ${r.key} ${r.status}`)).toEqual([
      ...keys.map((key) => `tnt_b ${key} applied`),
      ...keys.slice(0, -1).map((key) => `tnt_a ${key} pending`),
      `tnt_a ${keys.at(-1)} failed`,
    ]);
    const n = keys.length;
    expect(await pushes.progress("psh_1")).toEqual({ ...emptyProgress(), total: 2 * n, applied: n, pending: n - 1, failed: 1 });
    // Still one document per tenant: nothing was written into a chunk that old reads would not see.
    expect(store.collectionNames("push-results.").sort()).toEqual([pushCollections.results("psh_1", 0), pushCollections.results("psh_1", 1)]);
  });
});
