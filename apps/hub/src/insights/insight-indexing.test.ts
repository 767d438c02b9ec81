import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Insight } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { createLogger } from "../logger.js";
import { hubStoreDir, openHubStore } from "../store/open-hub-store.js";
import { EmbeddedInsightRepository } from "./embedded-insight-repository.js";
import { InsightCollections } from "./insight-records.js";

const TENANTS = ["tnt_one", "tnt_two"];

/** A hub data dir holding `perTenant` insights of each tenant, written by the embedded repository as the hub writes them. */
async function storedInsights(dataDir: string, perTenant: number): Promise<void> {
  const store = await openHubStore(dataDir, createLogger("silent"));
  const repository = new EmbeddedInsightRepository(store);
  const random = seededRandom(3);
  for (const tenantId of TENANTS) {
    const insights: Insight[] = Array.from({ length: perTenant }, (_, n) => makeInsight(random, n));
    await repository.store(tenantId, insights);
  }
  await store.close();
}

describe("the embedded insight index, built after the hub opens its store (issue 13, P6)", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-indexing-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a list asked while the index is built waits for it and answers with every insight", async () => {
    await storedInsights(dataDir, 400);
    const store = await openHubStore(dataDir, createLogger("silent"));
    const repository = new EmbeddedInsightRepository(store);
    const indexing = repository.open(TENANTS);
    expect(repository.book.indexing).toBe(true);
    const [page, count] = await Promise.all([repository.list({ sort: "createdAt", order: "desc", limit: 1000 }), repository.count()]);
    expect(page.total).toBe(800);
    expect(page.items).toHaveLength(800);
    expect(count).toBe(800);
    expect(await indexing).toBe(800);
    // Shown from the index, read from its shard on demand: the detail still has the whole document.
    const detail = await repository.detail(page.items[0]!.key);
    expect(detail?.record.id).toBe(page.items[0]!.localId);
    await store.close();
  });

  it("a damaged shard does not stop the store opening: the rest is listed, the shard is named, and a write to it fails", async () => {
    await storedInsights(dataDir, 40);
    const shard = `${InsightCollections.tenant("tnt_two")}.3`;
    await writeFile(join(hubStoreDir(dataDir), `${shard}.json`), '{"version":1,"docs":{"x":{"id":"x"}}}');
    const store = await openHubStore(dataDir, createLogger("silent"));
    const repository = new EmbeddedInsightRepository(store);
    await expect(repository.open(TENANTS)).rejects.toThrow(new RegExp(`1 insight shards could not be read[\\s\\S]*${shard.replace(/\./g, "\\.")}`));
    const page = await repository.list({ tenantIds: ["tnt_one"], sort: "createdAt", order: "desc", limit: 100 });
    expect(page.total).toBe(40);
    const random = seededRandom(5);
    // Some id of the 40 lands in shard 3; storing into it must fail rather than overwrite the file.
    const batch = Array.from({ length: 40 }, (_, n) => makeInsight(random, 1000 + n));
    await expect(repository.store("tnt_two", batch)).rejects.toThrow(new RegExp(`${shard.replace(/\./g, "\\.")}\\.json, document "x"`));
    await store.close();
  });
});
