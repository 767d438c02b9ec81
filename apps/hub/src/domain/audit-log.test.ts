import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLowdbStore, createMemoryStore } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../test/helpers.js";
import { hubStoreSchemas } from "../store/hub-store-schemas.js";
import { newSortableId } from "../core/ids.js";
import { AUDIT_CHUNK_ENTRIES, AuditLog } from "./audit-log.js";

const HOUR = 60 * 60 * 1000;

/** Every entry, newest first, walking the pages as the API does. */
async function walk(audit: AuditLog, limit: number, filter: { action?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.list({ limit, cursor, ...filter });
    ids.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe("the audit log's partitions", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-audit-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes one partition per day, a busy day in chunks, and lists them all newest first across pages", async () => {
    const clock = manualClock(Date.parse("2030-01-31T22:00:00Z"));
    const store = await createLowdbStore({ dir, schemas: hubStoreSchemas });
    const audit = new AuditLog(store, clock);
    const written: string[] = [];
    // A busy evening that runs past midnight into a new month: 2.5 chunks, then 10 entries.
    const busy = Math.floor(AUDIT_CHUNK_ENTRIES * 2.5);
    for (let i = 0; i < busy; i++) {
      written.push(audit.record({ actor: "system", action: i % 2 ? "agent.pair" : "tenant.create" }).id);
      clock.advance(1000);
    }
    clock.advance(2 * HOUR);
    for (let i = 0; i < 10; i++) written.push(audit.record({ actor: "system", action: "agent.pair" }).id);
    await store.flush();
    const files = (await readdir(dir)).filter((f) => f.startsWith("audit.") && f.endsWith(".json")).sort();
    expect(files).toEqual(["audit.2030-01-31.1.json", "audit.2030-01-31.2.json", "audit.2030-01-31.json", "audit.2030-02-01.json"]);
    expect(store.collection("audit.2030-01-31").size).toBe(AUDIT_CHUNK_ENTRIES);
    expect(store.collection("audit.2030-01-31.2").size).toBe(busy - 2 * AUDIT_CHUNK_ENTRIES);

    const newestFirst = [...written].reverse();
    expect(await walk(audit, 100)).toEqual(newestFirst);
    expect(await walk(audit, 7)).toEqual(newestFirst);
    const pairs = await walk(audit, 50, { action: "agent.pair" });
    expect(pairs).toHaveLength(Math.floor(busy / 2) + 10);
    expect(pairs).toEqual([...pairs].sort().reverse());
    await store.close();

    // Read back after a restart the same way.
    const reopened = await createLowdbStore({ dir, schemas: hubStoreSchemas });
    expect(await walk(new AuditLog(reopened, clock), 100)).toEqual(newestFirst);
    await reopened.close();
  });

  it("reads the month partitions an older version wrote, after the day partitions of the same month", async () => {
    // As an older hub left it: `audit.2030-01` listed in meta's months.
    const entry = (at: string) => ({ id: newSortableId("aud", Date.parse(at)), at, actor: "system", action: "tenant.create", target: null, detail: {} });
    const old = [entry("2030-01-01T00:00:00.000Z"), entry("2030-01-02T00:00:00.000Z")];
    const older = entry("2029-12-01T00:00:00.000Z");
    await writeFile(join(dir, "audit.2030-01.json"), JSON.stringify({ version: 1, docs: Object.fromEntries(old.map((e) => [e.id, e])) }));
    await writeFile(join(dir, "meta.json"), JSON.stringify({ version: 1, docs: { "audit-partitions": { id: "audit-partitions", months: ["2029-12", "2030-01"] } } }));
    await writeFile(join(dir, "audit.2029-12.json"), JSON.stringify({ version: 1, docs: { [older.id]: older } }));
    const store = await createLowdbStore({ dir, schemas: hubStoreSchemas });
    const audit = new AuditLog(store, manualClock(Date.parse("2030-01-15T12:00:00Z")));
    const fresh = audit.record({ actor: "admin@test.local", action: "tenant.update" });
    expect(await walk(audit, 2)).toEqual([fresh.id, old[1]!.id, old[0]!.id, older.id]);
    await store.flush();
    // The month file is not written again; the day got its own.
    expect(store.collection("audit.2030-01").size).toBe(2);
    expect((await readdir(dir)).filter((f) => f.startsWith("audit.2030-01-15"))).toEqual(["audit.2030-01-15.json"]);
    await store.close();
  });

  it("a write of the log costs at most one chunk, however many entries the day has", async () => {
    const clock = manualClock();
    const store = createMemoryStore();
    const audit = new AuditLog(store, clock);
    for (let i = 0; i < AUDIT_CHUNK_ENTRIES * 4; i++) audit.record({ actor: "system", action: "agent.pair" });
    const sizes = Array.from({ length: 5 }, (_, n) => store.collection(n === 0 ? "audit.2030-01-15" : `audit.2030-01-15.${n}`).size);
    expect(sizes).toEqual([AUDIT_CHUNK_ENTRIES, AUDIT_CHUNK_ENTRIES, AUDIT_CHUNK_ENTRIES, AUDIT_CHUNK_ENTRIES, 0]);
  });
});
