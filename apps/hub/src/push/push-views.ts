import type { Push, PushProgressEvent, PushResult, PushSummary } from "@canopy/api";
import type { ItemKey, PushPlanDoc, PushRecord, ResultEntry } from "./push-records.js";
import type { PushView } from "./push-view.js";

export function pushSummaryJson(record: PushRecord, ledger: PushView): PushSummary {
  return {
    id: record.id,
    type: record.type,
    state: record.state,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    stoppedBy: record.stoppedBy,
    title: record.title,
    kinds: record.kinds,
    itemCount: record.itemCount,
    tenantCount: record.tenantCount,
    targets: record.targets,
    options: record.options,
    progress: { ...ledger.progress(record.id) },
  };
}

export function progressEvent(record: PushRecord, ledger: PushView): PushProgressEvent {
  return { id: record.id, state: record.state, progress: { ...ledger.progress(record.id) } };
}

/** One result as the API shows it; undefined if the plan does not know the key. */
export function resultJson(ledger: PushView, pushId: string, tenantId: string, key: ItemKey): PushResult | undefined {
  const item = ledger.planned(pushId, key);
  const entry = ledger.result(pushId, tenantId, key);
  return item && entry ? resultOf(item, tenantId, entry) : undefined;
}

function resultOf(item: PushPlanDoc["items"][number], tenantId: string, entry: ResultEntry): PushResult {
  const result: PushResult = { tenantId, kind: item.kind, name: item.name, status: entry.status };
  if (entry.error !== undefined) result.error = entry.error;
  return result;
}

export function pushJson(record: PushRecord, ledger: PushView): Push {
  const plan = ledger.plan(record.id);
  const items = (plan?.items ?? []).map((item) => ({ kind: item.kind, id: item.itemId, name: item.name, revision: item.revision }));
  const results: PushResult[] = [];
  for (const { tenantId, key, entry } of ledger.results(record.id)) {
    const item = ledger.planned(record.id, key);
    if (item) results.push(resultOf(item, tenantId, entry));
  }
  return { ...pushSummaryJson(record, ledger), items, results };
}

const CACHED_PUSHES = 8;
/** A running push's JSON is rebuilt at most every `results / 50` ms (so ~750 ms for 37,500 results, never over 1 s). */
const rebuildIntervalMs = (results: number): number => Math.min(1000, results / 50);

/**
 * `GET /pushes/{id}` of a big push is megabytes of JSON, and clients poll it while it runs.
 * The encoded answer is kept per push and rebuilt only after the push changed (the ledger's
 * version); while it keeps running, no more often than its size warrants. A change of state
 * (finished, stopped) is always shown at once.
 */
export class PushJsonCache {
  readonly #entries = new Map<string, { version: number; state: PushRecord["state"]; builtAt: number; body: Uint8Array<ArrayBuffer> }>();

  body(record: PushRecord, ledger: PushView, now: number): Uint8Array<ArrayBuffer> {
    const version = ledger.version(record.id);
    const cached = this.#entries.get(record.id);
    if (cached && cached.state === record.state) {
      if (cached.version === version) return cached.body;
      const total = ledger.progress(record.id).total;
      if (record.state === "running" && now - cached.builtAt < rebuildIntervalMs(total)) return cached.body;
    }
    const body = new TextEncoder().encode(JSON.stringify(pushJson(record, ledger)));
    this.#entries.delete(record.id);
    if (this.#entries.size >= CACHED_PUSHES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(record.id, { version, state: record.state, builtAt: now, body });
    return body;
  }
}
