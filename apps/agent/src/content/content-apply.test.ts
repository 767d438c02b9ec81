import { createMemoryStore, type Store } from "@canopy/store";
import { beforeEach, describe, expect, it } from "vitest";
import { item, nextBatchId } from "../../test/content.js";
import type { ContentAdapter } from "./content-adapter.js";
import { applyBatch, applyOrder, unavailableAdapter } from "./content-apply.js";
import { FileChecker } from "./filesystem-adapter.js";
import { manifestCollection, type ManifestDoc } from "./manifest.js";

/** Records what it was asked to apply; throws for names in `refuse`. */
function recordingAdapter(refuse: Set<string> = new Set()): ContentAdapter & { applied: string[] } {
  const applied: string[] = [];
  return {
    type: "webhook",
    applied,
    async apply(it) {
      if (refuse.has(it.name)) throw new Error(`refused ${it.name}: quota exceeded`);
      applied.push(it.name);
      return { location: "http://127.0.0.1/hook" };
    },
    remove: () => Promise.resolve(),
  };
}

describe("applyBatch", () => {
  let store: Store;
  const checker = new FileChecker("/nonexistent");
  const signal = new AbortController().signal;

  beforeEach(() => {
    store = createMemoryStore();
  });

  const keep = (changes: ManifestDoc[]) => changes.forEach((doc) => manifestCollection(store).put(doc));

  it("applies new items and describes them for the manifest", async () => {
    const adapter = recordingAdapter();
    const field = item("custom-field", "Severity");
    const outcome = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_1", items: [field] }, { store, adapter, checker, signal, now: () => new Date("2030-01-01T00:00:00Z") });
    expect(outcome.complete).toBe(true);
    expect(outcome.results).toEqual([{ kind: "custom-field", name: "Severity", revision: 1, hash: field.hash, status: "applied" }]);
    expect(outcome.changes).toEqual([
      {
        id: "custom-field:Severity",
        kind: "custom-field",
        name: "Severity",
        revision: 1,
        hash: field.hash,
        pushId: "ps_1",
        appliedAt: "2030-01-01T00:00:00.000Z",
        adapter: "webhook",
        location: "http://127.0.0.1/hook",
        drifted: false,
      },
    ]);
  });

  it("says unchanged for the same hash, applied again for a replay of the same push, and replaces a new hash", async () => {
    const adapter = recordingAdapter();
    const v1 = item("custom-field", "Severity");
    keep((await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_1", items: [v1] }, { store, adapter, checker, signal })).changes);

    const replay = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_1", items: [v1] }, { store, adapter, checker, signal });
    expect(replay.results[0]!.status).toBe("applied");
    const other = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_2", items: [v1] }, { store, adapter, checker, signal });
    expect(other.results[0]!.status).toBe("unchanged");
    const noPush = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: null, items: [v1] }, { store, adapter, checker, signal });
    expect(noPush.results[0]!.status).toBe("unchanged");
    expect(adapter.applied).toEqual(["Severity"]); // none of these went to the adapter again

    const v2 = item("custom-field", "Severity", { revision: 2, body: { name: "Severity", type: "number", appliesTo: "task" } });
    const replaced = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_3", items: [v2] }, { store, adapter, checker, signal });
    expect(replaced.results[0]).toMatchObject({ status: "applied", revision: 2, hash: v2.hash });
    expect(replaced.changes[0]).toMatchObject({ id: "custom-field:Severity", revision: 2, hash: v2.hash, pushId: "ps_3" });
    expect(adapter.applied).toEqual(["Severity", "Severity"]);
  });

  it("keeps the revision number current when identical content comes under another revision", async () => {
    const adapter = recordingAdapter();
    const v1 = item("custom-field", "Severity");
    keep((await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_1", items: [v1] }, { store, adapter, checker, signal })).changes);
    const same = { ...v1, revision: 3 };
    const outcome = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: "ps_2", items: [same] }, { store, adapter, checker, signal });
    expect(outcome.results[0]).toMatchObject({ status: "unchanged", revision: 3 });
    expect(outcome.changes).toEqual([expect.objectContaining({ revision: 3, pushId: "ps_1" })]);
  });

  it("fails an item with the adapter's message, skips what depends on it (transitively), applies the rest", async () => {
    const adapter = recordingAdapter(new Set(["Brute force"]));
    const rule = item("siem-rule", "Brute force");
    const tuning = item("tuning-expression", "Quiet hours", { dependsOn: [{ kind: "siem-rule", name: "Brute force" }] });
    const onTuning = item("playbook", "Respond", { dependsOn: [{ kind: "tuning-expression", name: "Quiet hours" }] });
    const unrelated = item("custom-field", "Owner", { dependsOn: [{ kind: "siem-rule", name: "Held elsewhere" }] });
    const outcome = await applyBatch(
      { type: "content.apply", batchId: nextBatchId(), pushId: "ps_1", items: [rule, tuning, onTuning, unrelated] },
      { store, adapter, checker, signal },
    );
    expect(outcome.results.map((r) => [r.name, r.status, r.error])).toEqual([
      ["Brute force", "failed", "refused Brute force: quota exceeded"],
      ["Quiet hours", "skipped", "skipped: depends on siem-rule Brute force, which failed"],
      ["Respond", "skipped", "skipped: depends on tuning-expression Quiet hours, which was skipped"],
      ["Owner", "applied", undefined],
    ]);
    expect(adapter.applied).toEqual(["Owner"]);
    expect(outcome.changes.map((c) => c.name)).toEqual(["Owner"]);
  });

  it("applies dependencies first even when the batch lists them later", async () => {
    const adapter = recordingAdapter(new Set(["Rule"]));
    const tuning = item("tuning-expression", "Tuning", { dependsOn: [{ kind: "siem-rule", name: "Rule" }] });
    const rule = item("siem-rule", "Rule");
    const outcome = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: null, items: [tuning, rule] }, { store, adapter, checker, signal });
    // Results keep the batch's order.
    expect(outcome.results.map((r) => [r.name, r.status])).toEqual([
      ["Tuning", "skipped"],
      ["Rule", "failed"],
    ]);
  });

  it("with a concurrent adapter, still waits for dependencies and for an earlier item of the same name", async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    // The rule is the slow item: it finishes only once the four items that do not wait for it
    // have (A@1, B@1, A@2, C@1); each of those takes a turn of the event loop.
    let othersDone = 0;
    let finishRule!: () => void;
    const ruleFinished = new Promise<void>((resolve) => (finishRule = resolve));
    const adapter: ContentAdapter = {
      type: "filesystem",
      concurrency: 3,
      remove: () => Promise.resolve(),
      async apply(it) {
        running++;
        most = Math.max(most, running);
        log.push(`start ${it.name}@${it.revision}`);
        await (it.name === "Rule" ? ruleFinished : new Promise((resolve) => setImmediate(resolve)));
        log.push(`end ${it.name}@${it.revision}`);
        running--;
        if (it.name === "Rule") throw new Error("disk full");
        if (++othersDone === 4) finishRule();
        return {};
      },
    };
    const items = [
      item("siem-rule", "Rule"),
      item("tuning-expression", "Tuning", { dependsOn: [{ kind: "siem-rule", name: "Rule" }] }),
      item("custom-field", "A"),
      item("custom-field", "B"),
      item("custom-field", "A", { revision: 2, body: { v: 2 } }),
      item("custom-field", "C"),
    ];
    const outcome = await applyBatch({ type: "content.apply", batchId: nextBatchId(), pushId: null, items }, { store, adapter, checker, signal });
    expect(outcome.complete).toBe(true);
    expect(outcome.results.map((r) => `${r.name}@${r.revision} ${r.status}`)).toEqual([
      "Rule@1 failed",
      "Tuning@1 skipped",
      "A@1 applied",
      "B@1 applied",
      "A@2 applied",
      "C@1 applied",
    ]);
    // Overlapping, within the limit (an item waiting for its dependency holds a slot).
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
    expect(log.indexOf("start A@2")).toBeGreaterThan(log.indexOf("end A@1"));
    expect(log).not.toContain("start Tuning@1");
    expect(outcome.changes.find((c) => c.name === "A")).toMatchObject({ revision: 2 });
  });

  it("orders by dependencies, stably, and survives cycles", () => {
    const a = item("siem-rule", "A", { dependsOn: [{ kind: "siem-rule", name: "C" }] });
    const b = item("siem-rule", "B");
    const c = item("siem-rule", "C");
    expect(applyOrder([a, b, c])).toEqual([2, 0, 1]);
    const x = item("siem-rule", "X", { dependsOn: [{ kind: "siem-rule", name: "Y" }] });
    const y = item("siem-rule", "Y", { dependsOn: [{ kind: "siem-rule", name: "X" }] });
    expect(applyOrder([x, y])).toEqual([1, 0]);
  });

  it("every item fails with the reason when the adapter is unavailable", async () => {
    const outcome = await applyBatch(
      { type: "content.apply", batchId: nextBatchId(), pushId: null, items: [item("custom-field", "A"), item("custom-field", "B")] },
      { store, adapter: unavailableAdapter("adapter not available: adapter.json is damaged"), checker, signal },
    );
    expect(outcome.results.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(outcome.results[0]!.error).toBe("adapter not available: adapter.json is damaged");
  });

  it("stops between items when aborted and reports the batch incomplete", async () => {
    const controller = new AbortController();
    const adapter: ContentAdapter = {
      type: "webhook",
      remove: () => Promise.resolve(),
      async apply() {
        controller.abort();
        return {};
      },
    };
    const outcome = await applyBatch(
      { type: "content.apply", batchId: nextBatchId(), pushId: null, items: [item("custom-field", "A"), item("custom-field", "B")] },
      { store, adapter, checker, signal: controller.signal },
    );
    expect(outcome.complete).toBe(false);
    expect(outcome.changes.map((c) => c.name)).toEqual(["A"]);
  });
});
