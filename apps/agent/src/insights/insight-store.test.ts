import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Insight } from "@canopy/protocol";
import { createLowdbStore, createMemoryStore, ShardedCollection } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { sourceInsight } from "../../test/insights.js";
import { InsightStore } from "./insight-store.js";

function memoryInsights() {
  const queued: string[] = [];
  const insights = new InsightStore(createMemoryStore(), { enqueue: (id) => queued.push(id) });
  return { insights, queued };
}

const t0 = new Date("2030-01-05T12:00:00.000Z");
const t1 = new Date("2030-01-05T13:00:00.000Z");

describe("InsightStore", () => {
  it("creates with the defaults, revision 1 and updatedAt now, and queues it", () => {
    const { insights, queued } = memoryInsights();
    const { outcome, insight } = insights.upsert({ id: "a1", title: "  Brute force  ", severity: "medium" }, { source: "import", now: t0 });
    expect(outcome).toBe("created");
    expect(insight).toEqual(
      Insight.parse({ id: "a1", title: "Brute force", severity: "medium", status: "new", createdAt: t0, updatedAt: t0, revision: 1, source: "import" }),
    );
    expect(queued).toEqual(["a1"]);
  });

  it("a second identical upsert changes nothing; a real change bumps the revision", () => {
    const { insights, queued } = memoryInsights();
    insights.upsert(sourceInsight("a1"), { source: "import", now: t0 });
    expect(insights.upsert(sourceInsight("a1"), { source: "import", now: t1 }).outcome).toBe("unchanged");
    expect(insights.get("a1")).toMatchObject({ revision: 1, updatedAt: t0 });
    const changed = insights.upsert(sourceInsight("a1", { severity: "critical" }), { source: "import", now: t1 });
    expect(changed.outcome).toBe("updated");
    expect(changed.insight).toMatchObject({ severity: "critical", revision: 2, updatedAt: t1 });
    expect(queued).toEqual(["a1", "a1"]);
  });

  it("a re-import does not reopen a closed insight nor drop its comments", () => {
    const { insights } = memoryInsights();
    insights.upsert(sourceInsight("a1"), { source: "import", now: t0 });
    const at = new Date("2030-01-05T12:30:00.000Z");
    const closed = insights.applyUpdate(
      { updateId: "u1", insightId: "a1", changes: { status: "closed", comment: { id: "c1", author: "sam", body: "benign", at } }, actor: "sam", requestedAt: at },
      t1,
    );
    expect(closed).toMatchObject({ ok: true, insight: { status: "closed", closedAt: at, revision: 2 } });
    const reimported = insights.upsert(sourceInsight("a1", { description: "more detail" }), { source: "import", now: t1 });
    expect(reimported.insight).toMatchObject({ status: "closed", closedAt: at, description: "more detail", revision: 3 });
    expect(reimported.insight.comments.map((c) => c.id)).toEqual(["c1"]);
  });

  it("the same board change delivered again (a hub that crashed before it stored the ack resends it) changes nothing", () => {
    const { insights, queued } = memoryInsights();
    insights.upsert(sourceInsight("a1"), { source: "import", now: t0 });
    const at = new Date("2030-01-05T12:30:00.000Z");
    const request = {
      updateId: "u1",
      insightId: "a1",
      changes: { status: "in_progress" as const, assignee: "sam@mssp.example", comment: { id: "c1", author: "sam", body: "looking", at } },
      actor: "sam",
      requestedAt: at,
    };
    const first = insights.applyUpdate(request, t1);
    expect(first).toMatchObject({ ok: true, insight: { status: "in_progress", assignee: "sam@mssp.example", revision: 2 } });
    const again = insights.applyUpdate(request, new Date("2030-01-05T14:00:00.000Z"));
    expect(again).toEqual({ updateId: "u1", ok: true, insight: first.ok ? first.insight : undefined });
    expect(insights.get("a1")).toMatchObject({ revision: 2, updatedAt: t1 });
    expect(insights.get("a1")!.comments.map((c) => c.id)).toEqual(["c1"]);
    expect(queued).toEqual(["a1", "a1"]);
  });

  it("status from a source: closed gets closedAt (given or now), reopened clears it", () => {
    const { insights } = memoryInsights();
    expect(insights.upsert(sourceInsight("a1", { status: "closed" }), { source: "import", now: t0 }).insight.closedAt).toEqual(t0);
    const given = "2030-01-04T00:00:00.000Z";
    expect(insights.upsert(sourceInsight("a2", { status: "closed", closedAt: given }), { source: "import", now: t0 }).insight.closedAt).toEqual(new Date(given));
    expect(insights.upsert(sourceInsight("a1", { status: "new" }), { source: "import", now: t1 }).insight.closedAt).toBeNull();
  });

  it("rejects what is not an insight, with the field that is wrong", () => {
    const { insights } = memoryInsights();
    const result = insights.ingest(
      [sourceInsight("ok"), { id: "x", title: "t", severity: "urgent" }, { id: "bad id!", title: "t", severity: "low" }, sourceInsight("d", { createdAt: "yesterday" }), "nope"],
      { source: "ingest" },
    );
    expect(result.accepted).toBe(1);
    expect(result.failed.map((f) => f.index)).toEqual([1, 2, 3, 4]);
    expect(result.failed[0]!.error).toMatch(/^severity: /);
    expect(result.failed[1]!.error).toMatch(/^id: /);
    expect(result.failed[2]!.error).toMatch(/^createdAt: /);
  });

  it("refuses an update that would make the insight too big, and one for an unknown id", () => {
    const { insights } = memoryInsights();
    insights.upsert(sourceInsight("a1", { description: "d".repeat(16_000), fields: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, "v".repeat(4000)])) }), { source: "import" });
    const at = new Date();
    let last;
    for (let i = 0; i < 120; i++) {
      last = insights.applyUpdate({ updateId: `u${i}`, insightId: "a1", changes: { comment: { id: `c${i}`, author: "a", body: "b".repeat(8000), at } }, actor: "a", requestedAt: at });
      if (!last.ok) break;
    }
    expect(last).toMatchObject({ ok: false, error: expect.stringMatching(/larger than 1 MiB/) });
    expect(insights.applyUpdate({ updateId: "x", insightId: "zz", changes: { status: "closed" }, actor: "a", requestedAt: at })).toEqual({ updateId: "x", ok: false, error: "not_found" });
  });

  it("round-trips through the lowdb file: dates come back as Dates, equal to what was stored", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-insights-"));
    try {
      const first = await createLowdbStore({ dir });
      const written = new InsightStore(first, { enqueue: () => {} }).upsert(
        sourceInsight("a1", { status: "closed", comments: [{ id: "c1", author: "a", body: "b", at: "2030-01-02T03:04:05.678+02:00" }] }),
        { source: "import", now: t0 },
      ).insight;
      await first.close();
      const second = await createLowdbStore({ dir });
      const read = new InsightStore(second, { enqueue: () => {} }).get("a1");
      expect(read).toEqual(written);
      expect(read!.comments[0]!.at).toEqual(new Date("2030-01-02T01:04:05.678Z"));
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps one board change to one shard file, and moves insights from an unsharded folder over", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-insights-"));
    try {
      const old = await createLowdbStore({ dir });
      const writer = new InsightStore(createMemoryStore(), { enqueue: () => {} });
      for (let i = 0; i < 200; i++) {
        const { insight } = writer.upsert(sourceInsight(`i${i}`), { source: "import", now: t0 });
        old.collection("insights").put(writer.stored(insight.id)!);
      }
      await old.close();

      const store = await createLowdbStore({ dir });
      const insights = new InsightStore(store, { enqueue: () => {} });
      expect(insights.size).toBe(200);
      await store.flush();
      expect(JSON.parse(await readFile(join(dir, "insights.json"), "utf8")).docs).toEqual({});
      const writes = store.stats().writes;
      expect(insights.applyUpdate({ updateId: "u1", insightId: "i7", changes: { status: "closed" }, actor: "a", requestedAt: t0 }).ok).toBe(true);
      await store.flush();
      expect(store.stats().writes - writes).toBe(1);
      await store.close();

      const reopened = await createLowdbStore({ dir });
      expect(new InsightStore(reopened, { enqueue: () => {} }).get("i7")?.status).toBe("closed");
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("lists valid insights oldest first, with ISO dates, skipping damaged documents", () => {
    const store = createMemoryStore();
    const insights = new InsightStore(store, { enqueue: () => {} });
    insights.upsert(sourceInsight("late", { createdAt: "2030-02-01T00:00:00Z" }), { source: "import" });
    insights.upsert(sourceInsight("early", { createdAt: "2030-01-01T00:00:00Z" }), { source: "import" });
    new ShardedCollection(store, "insights").put({ id: "junk", title: "t" } as never);
    expect(insights.list().map((i) => [i.id, i.createdAt])).toEqual([
      ["early", "2030-01-01T00:00:00.000Z"],
      ["late", "2030-02-01T00:00:00.000Z"],
    ]);
  });
});
