import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../test/fake-agent.js";
import { ADMIN, login, manualClock, silentLogger, type Caller } from "../../test/helpers.js";
import { createHub, type Hub } from "../hub.js";
import { openHubStore } from "../store/open-hub-store.js";
import { AUDIT_CHUNK_ENTRIES } from "./audit-log.js";

/** Pairings per measured window: their audit entries (3 each) fill whole chunks, so both windows see the same share of a chunk's growth. */
const WINDOW = AUDIT_CHUNK_ENTRIES / 3;

/**
 * What an MSSP feels as it grows: bytes the store writes to pair one more agent (tenant, code,
 * pairing, its first connection and its disconnect) must not grow with the number of tenants.
 * Counted in bytes (the lowdb store's `bytesWritten`), not time, so it holds on a busy machine.
 */
describe("the store's writes per pairing", () => {
  let dataDir: string;
  let hub: Hub;
  let admin: Caller;
  let paired = 0;
  const written = new Map<string, number>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-pairing-cost-"));
    const store = await openHubStore(dataDir, silentLogger, { fault: (file) => void written.set(basename(file), (written.get(basename(file)) ?? 0) + 1) });
    hub = createHub({ dataDir, store, clock: manualClock(), adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: "/nonexistent" });
    await hub.ready();
    admin = await login(hub);
  }, 60_000);
  afterAll(async () => {
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function pairOne(connect: boolean): Promise<void> {
    const n = paired++;
    const tenant = (await admin.post("/tenants", { name: `Tenant ${n}` })).body;
    const identity = await pairThroughApi(hub, admin, tenant.id);
    if (!connect) return;
    const agent = new FakeAgent(await hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    await agent.connection.until("welcome", () => agent.connection.last("welcome"));
    agent.dropped();
  }

  /** Pairs up to `total` tenants, `parallel` at a time (the requests share group commits). */
  async function growTo(total: number, parallel = 50): Promise<void> {
    while (paired < total) await Promise.all(Array.from({ length: Math.min(parallel, total - paired) }, () => pairOne(false)));
  }

  /** Bytes written per pairing over WINDOW pairings one after the other, and the files they rewrote. */
  async function measure(): Promise<{ perPairing: number; files: string[] }> {
    const { store } = await hub.services();
    await store.flush();
    written.clear();
    const before = store.stats().bytesWritten!;
    for (let i = 0; i < WINDOW; i++) await pairOne(true);
    await store.flush();
    const bytes = store.stats().bytesWritten! - before;
    // Per collection (shards together): how many writes, and the largest file now.
    const db = join(dataDir, "db");
    const byCollection = new Map<string, { writes: number; largest: number }>();
    for (const [file, times] of written) {
      const name = file.replace(/\.json$/, "").replace(/^(tenants|agents)\.\d+$/, "$1.<shard>");
      const entry = byCollection.get(name) ?? { writes: 0, largest: 0 };
      byCollection.set(name, { writes: entry.writes + times, largest: Math.max(entry.largest, (await stat(join(db, file))).size) });
    }
    const files = [...byCollection].map(([name, { writes, largest }]) => `${name}: ${writes} writes, largest file ${largest} B`);
    return { perPairing: bytes / WINDOW, files: files.sort() };
  }

  it("stay flat from 100 tenants to 2,000", async () => {
    await growTo(100);
    const small = await measure();
    await growTo(2000);
    const large = await measure();
    const detail = `per pairing at ${100 + WINDOW}: ${Math.round(small.perPairing)} B, at ${2000 + 2 * WINDOW}: ${Math.round(large.perPairing)} B\nat 100:\n  ${small.files.join("\n  ")}\nat 2000:\n  ${large.files.join("\n  ")}`;
    expect(large.perPairing / small.perPairing, detail).toBeLessThan(1.5);
  }, 300_000);
});
