import { cp, mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import type { InsightUpdateRequest } from "@canopy/protocol";
import { createDiskFaults, type DiskFaults } from "@canopy/store/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { item, nextBatchId } from "../../test/content.js";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { sourceInsight, storeInsights } from "../../test/insights.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgent } from "../runtime/agent.js";
import { listInsights, listManifest } from "../cli/local-data.js";
import type { Agent } from "../core/types.js";

const update = (updateId: string, changes: InsightUpdateRequest["changes"]): InsightUpdateRequest => ({
  updateId,
  insightId: "in-1",
  changes,
  actor: "alex.morgan@mssp.example",
  requestedAt: new Date(),
});

// The agent's state/ folder on a disk that refuses writes (a real read-only tmpfs when the tests
// may mount; else the folder without write permission). The content folder stays writable.
describe("an agent whose store cannot be written", () => {
  let disk: DiskFaults;
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;
  let connection: FakeConnection;
  let cases = 0;
  let errors: { message: string; err: string }[];
  const logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (bindings: object, message: string) => void errors.push({ message, err: String((bindings as { err?: unknown }).err ?? "") }),
  };
  /** The agent reported that it could not record something (a clear line naming the file and why). */
  const refusal = async (message: string) => {
    await expect.poll(() => errors.find((e) => e.message === message), { timeout: 5000, interval: 5 }).toBeDefined();
    return errors.find((e) => e.message === message)!.err;
  };

  beforeAll(async () => {
    disk = await createDiskFaults({ sizeMiB: 8 });
  });
  afterAll(() => disk.cleanup());

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await seedPairedAgent(dataDir, hub);
    await storeInsights(dataDir, [sourceInsight("in-1")]);
    const state = join(disk.dir, `agent-${++cases}`);
    await mkdir(state);
    await cp(join(dataDir, "state"), state, { recursive: true });
    await rm(join(dataDir, "state"), { recursive: true });
    await symlink(state, join(dataDir, "state"));
    errors = [];
    agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: 0, logger });
    await agent.start();
    connection = await hub.nextConnection(3000, 0);
    await agent.waitFor("online", 3000);
    await connection.next("content.manifest");
    // The stored insight goes out once its batch is on disk: after that the store is idle.
    await connection.next("insights.upsert");
  });
  afterEach(async () => {
    await disk.writable();
    await agent.stop();
    await hub.close();
    await cleanup();
  });

  it("acknowledges no content it could not record, and records the next batch once it can", async () => {
    await disk.readOnly();
    const refused = nextBatchId();
    connection.send({ type: "content.apply", batchId: refused, pushId: "ps_1", items: [item("custom-field", "Tier")] });
    expect(await refusal("content task failed")).toMatch(/could not write .*content\.\d+\.json: .*\((EROFS|EACCES)\); the changes since the last good write were rolled back/);
    await disk.writable();
    const accepted = nextBatchId();
    connection.send({ type: "content.apply", batchId: accepted, pushId: "ps_2", items: [item("custom-field", "Region")] });
    await connection.next("content.ack", (ack) => ack.batchId === accepted, 5000);
    expect(connection.received.filter((m) => m.type === "content.ack").map((m) => m.type === "content.ack" && m.batchId)).toEqual([accepted]);
    expect((await listManifest({ dataDir })).map((entry) => entry.name)).toEqual(["Region"]);
  });

  it("refuses a board change it could not record, saying why; the change is not kept", async () => {
    await disk.readOnly();
    connection.send({ type: "insight.update", updates: [update("u-refused", { status: "closed" })] });
    // Answered at once: the hub resends a pending change only after a reconnect, so silence
    // would leave the card "on its way" long after the disk recovered.
    const refusedAck = await connection.next("insight.update.ack", (m) => m.results.some((r) => r.updateId === "u-refused"), 5000);
    expect(refusedAck.results).toEqual([
      { updateId: "u-refused", ok: false, error: expect.stringMatching(/^the agent could not store this change: (its data folder is read-only \(EROFS\)|it is not allowed to write its data folder \(EACCES\)); nothing was changed/) },
    ]);
    expect(await refusal("could not store board changes from the hub; answered them refused")).toMatch(/could not write .*(insights\.\d+|insight-outbox)\.json: .*\((EROFS|EACCES)\)/);
    await disk.writable();
    connection.send({ type: "insight.update", updates: [update("u-accepted", { assignee: "ana" })] });
    const ack = await connection.next("insight.update.ack", (m) => m.results.some((r) => r.updateId === "u-accepted"), 5000);
    expect(ack.results[0]).toMatchObject({ ok: true, insight: { status: "new", assignee: "ana" } });
    await agent.stop();
    expect((await listInsights({ dataDir })).map((i) => [i.status, i.assignee])).toEqual([["new", "ana"]]);
  });
});
