import type { Push, PushProgressEvent, PushResult, PushSummary } from "@canopy/api";
import type { PushLedger } from "./push-ledger.js";
import { emptyProgress, withCounts, type ItemKey, type PushPlanDoc, type PushRecord, type ResultEntry } from "./push-records.js";
import type { StoredResult } from "./push-repository.js";

/** The push as listed; `record.progress` is its counts (the repository's, or the ledger's live ones). */
export function pushSummaryJson(record: PushRecord): PushSummary {
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
    progress: { ...record.progress },
  };
}

export function progressEvent(record: PushRecord): PushProgressEvent {
  return { id: record.id, state: record.state, progress: { ...record.progress } };
}

/** One changed result as the API shows it (the publisher's events); undefined if the plan does not know the key. */
export function resultJson(ledger: PushLedger, pushId: string, tenantId: string, key: ItemKey): PushResult | undefined {
  const item = ledger.planned(pushId, key);
  const entry = ledger.result(pushId, tenantId, key);
  return item && entry ? resultOf(item, tenantId, entry) : undefined;
}

function resultOf(item: PushPlanDoc["items"][number], tenantId: string, entry: ResultEntry): PushResult {
  const result: PushResult = { tenantId, kind: item.kind, name: item.name, status: entry.status };
  if (entry.error !== undefined) result.error = entry.error;
  if (item.remove) result.remove = true;
  return result;
}

/** `GET /pushes/{id}`: the push, its items and every result, in plan order. */
export function pushJson(record: PushRecord, plan: PushPlanDoc | undefined, results: readonly StoredResult[]): Push {
  const byKey = new Map((plan?.items ?? []).map((item) => [item.key, item]));
  const items = (plan?.items ?? []).map((item) => ({ kind: item.kind, id: item.itemId, name: item.name, revision: item.revision, ...(item.remove ? { remove: true as const } : {}) }));
  const shown: PushResult[] = [];
  for (const result of results) {
    const item = byKey.get(result.key);
    if (item) shown.push(resultOf(item, result.tenantId, result));
  }
  // Counted from the results read, so counts and results agree even if a write landed between the two reads.
  const progress = emptyProgress();
  for (const result of shown) {
    progress.total++;
    progress[result.status]++;
  }
  return { ...pushSummaryJson(withCounts(record, progress)), items, results: shown };
}

const CACHED_PUSHES = 8;
/** A running push's JSON is rebuilt at most every `results / 50` ms (so ~750 ms for 37,500 results, never over 1 s). */
const rebuildIntervalMs = (results: number): number => Math.min(1000, results / 50);

/**
 * `GET /pushes/{id}` of a big push is megabytes of JSON, and clients poll it while it runs.
 * The encoded answer is kept per push and rebuilt only after a write of the push (`version`);
 * while it keeps running, no more often than its size warrants. A change of state (finished,
 * stopped) is always shown at once.
 */
export class PushJsonCache {
  readonly #entries = new Map<string, { version: number; state: PushRecord["state"]; builtAt: number; body: Uint8Array<ArrayBuffer> }>();

  async body(record: PushRecord, version: number, now: number, build: () => Promise<Push>): Promise<Uint8Array<ArrayBuffer>> {
    const cached = this.#entries.get(record.id);
    if (cached && cached.state === record.state) {
      if (cached.version === version) return cached.body;
      if (record.state === "running" && now - cached.builtAt < rebuildIntervalMs(record.progress.total)) return cached.body;
    }
    const body = new TextEncoder().encode(JSON.stringify(await build()));
    this.#entries.delete(record.id);
    if (this.#entries.size >= CACHED_PUSHES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(record.id, { version, state: record.state, builtAt: now, body });
    return body;
  }
}
