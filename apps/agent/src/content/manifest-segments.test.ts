import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLowdbStore, type Store } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashOf } from "../../test/content.js";
import { tempDataDir } from "../../test/seed.js";
import { silentLogger } from "../core/logger.js";
import { agentPaths, type AgentPaths } from "../core/paths.js";
import { openStateStore } from "../store/agent-store.js";
import { agentStoreSchemas } from "../store/agent-store-schemas.js";
import { ContentSync } from "./content-sync.js";
import { LEGACY_MANIFEST_COLLECTION, MANIFEST_SEGMENT_ENTRIES } from "./manifest-segments.js";
import { manifestCollection, readManifest, type ManifestDoc } from "./manifest.js";

const entry = (n: number): ManifestDoc => {
  const name = `Rule ${String(n).padStart(5, "0")}`;
  return {
    id: `siem-rule:${name}`,
    kind: "siem-rule",
    name,
    revision: 1,
    hash: hashOf({ n }),
    pushId: "ps_1",
    appliedAt: "2030-01-01T00:00:00.000Z",
    adapter: "filesystem",
    location: `siem-rule/${name}.yml`,
    fileHash: hashOf({ file: n }),
    drifted: false,
  };
};

/** The manifest entries in the agent's store files as they are now: file name → ids. */
async function filesOnDisk(paths: AgentPaths): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  for (const name of (await readdir(paths.stateDir)).filter((f) => /^content(\.\d+)?\.json$/.test(f)).sort()) {
    const { docs } = JSON.parse(await readFile(join(paths.stateDir, name), "utf8")) as { docs: Record<string, unknown> };
    files.set(name, Object.keys(docs));
  }
  return files;
}

describe("the agent's manifest in segments", () => {
  let paths: AgentPaths;
  let cleanup: () => Promise<void>;
  let store: Store | undefined;

  beforeEach(async () => {
    const dir = await tempDataDir();
    paths = agentPaths(dir.dir);
    cleanup = dir.cleanup;
  });
  afterEach(async () => {
    await store?.close().catch(() => {});
    store = undefined;
    await cleanup();
  });

  it("writes about a batch's worth of bytes per flush however many items the agent already holds", async () => {
    store = await openStateStore(paths);
    const manifest = manifestCollection(store);
    const perBatch: number[] = [];
    const BATCH = 500;
    for (let at = 0; at < 8 * BATCH; at += BATCH) {
      const before = store.stats().bytesWritten!;
      for (let n = at; n < at + BATCH; n++) manifest.put(entry(n));
      await store.flush();
      perBatch.push(store.stats().bytesWritten! - before);
    }
    // One file would have grown by a batch each time: the eighth flush eight times the first.
    expect(Math.max(...perBatch.slice(1))).toBeLessThan(2.5 * perBatch[0]!);
    // The first half of the items applied again (a re-push of what it holds): the same segments, no new one.
    const segments = (await filesOnDisk(paths)).size;
    const before = store.stats().bytesWritten!;
    for (let n = 0; n < BATCH; n++) manifest.put({ ...entry(n), pushId: "ps_2" });
    await store.flush();
    expect(store.stats().bytesWritten! - before).toBeLessThan(2.5 * perBatch[0]!);
    expect((await filesOnDisk(paths)).size).toBe(segments);
    await store.close();

    // Everything there after a restart, no segment above its size, each entry once.
    store = await openStateStore(paths);
    const read = readManifest(store);
    expect(read).toHaveLength(8 * BATCH);
    expect(read.filter((doc) => doc.pushId === "ps_2")).toHaveLength(BATCH);
    const onDisk = await filesOnDisk(paths);
    expect(Math.max(...Array.from(onDisk.values(), (ids) => ids.length))).toBeLessThanOrEqual(MANIFEST_SEGMENT_ENTRIES);
    expect(new Set(Array.from(onDisk.values()).flat()).size).toBe(8 * BATCH);
  });

  it("removes an entry from its segment and puts a new one in the last segment, so earlier segments are not written again", async () => {
    store = await openStateStore(paths);
    const manifest = manifestCollection(store);
    for (let n = 0; n < MANIFEST_SEGMENT_ENTRIES + 10; n++) manifest.put(entry(n));
    manifest.delete(entry(3).id);
    manifest.put(entry(100_000));
    await store.close();
    store = await openStateStore(paths);
    expect(manifestCollection(store).get(entry(3).id)).toBeUndefined();
    expect(manifestCollection(store).get(entry(100_000).id)?.name).toBe(entry(100_000).name);
    expect(Array.from((await filesOnDisk(paths)).values(), (ids) => ids.length)).toEqual([MANIFEST_SEGMENT_ENTRIES - 1, 11]);
  });

  describe("written by an older agent as one file", () => {
    const OLD_ENTRIES = 1200;

    beforeEach(async () => {
      // What an older agent left: every entry in `state/content.json`.
      const old = await openStateStore(paths);
      for (let n = 0; n < OLD_ENTRIES; n++) old.collection<ManifestDoc>(LEGACY_MANIFEST_COLLECTION).put(entry(n));
      await old.close();
      expect((await filesOnDisk(paths)).get("content.json")).toHaveLength(OLD_ENTRIES);
    });

    it("is read as it is by a reader, which writes nothing", async () => {
      store = await openStateStore(paths);
      expect(readManifest(store).map((doc) => doc.name)).toEqual(Array.from({ length: OLD_ENTRIES }, (_, n) => entry(n).name));
      expect(manifestCollection(store).get(entry(7).id)?.hash).toBe(entry(7).hash);
      await store.close();
      expect(Array.from((await filesOnDisk(paths)).keys())).toEqual(["content.json"]);
    });

    it("is carried into segments when the agent starts, by one write, and read the same afterwards", async () => {
      store = await openStateStore(paths);
      const sync = new ContentSync({ store, paths, logger: silentLogger, driftScanMs: 0 });
      await store.flush();
      await sync.stop();
      const onDisk = await filesOnDisk(paths);
      expect(onDisk.get("content.json")).toEqual([]);
      expect(Array.from(onDisk.entries()).filter(([name]) => name !== "content.json").map(([, ids]) => ids.length)).toEqual([512, 512, 176]);
      await store.close();
      store = await openStateStore(paths);
      expect(readManifest(store)).toEqual(Array.from({ length: OLD_ENTRIES }, (_, n) => entry(n)));
    });

    it("keeps the old file whole when the carrying write fails, and carries it at the next start", async () => {
      let refuse = true;
      store = await createLowdbStore({
        dir: paths.stateDir,
        schemas: agentStoreSchemas(),
        fault: (file) => {
          if (refuse && file.endsWith("content.1.json")) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        },
      });
      const sync = new ContentSync({ store, paths, logger: silentLogger, driftScanMs: 0 });
      await expect(store.flush()).rejects.toThrow(/content\.1\.json/);
      await sync.stop();
      // Rolled back in memory too: the manifest still reads whole, from the old partition.
      expect(readManifest(store)).toHaveLength(OLD_ENTRIES);
      expect(Array.from((await filesOnDisk(paths)).entries())).toEqual([["content.json", Array.from({ length: OLD_ENTRIES }, (_, n) => entry(n).id)]]);
      refuse = false;
      const next = new ContentSync({ store, paths, logger: silentLogger, driftScanMs: 0 });
      await store.flush();
      await next.stop();
      expect((await filesOnDisk(paths)).get("content.json")).toEqual([]);
      expect(readManifest(store)).toHaveLength(OLD_ENTRIES);
    });
  });
});
