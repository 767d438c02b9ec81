import type { Push, PushProgressEvent, PushResult, PushSummary } from "@canopy/api";
import type { PushLedger } from "./push-ledger.js";
import type { ItemKey, PushRecord } from "./push-records.js";

/** Tenant names for results; a deleted tenant keeps its id. */
export type TenantNames = (tenantId: string) => string;

export function pushSummaryJson(record: PushRecord, ledger: PushLedger): PushSummary {
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

export function progressEvent(record: PushRecord, ledger: PushLedger): PushProgressEvent {
  return { id: record.id, state: record.state, progress: { ...ledger.progress(record.id) } };
}

/** One result as the API shows it; undefined if the plan does not know the key. */
export function resultJson(ledger: PushLedger, names: TenantNames, pushId: string, tenantId: string, key: ItemKey): PushResult | undefined {
  const item = ledger.planned(pushId, key);
  const entry = ledger.result(pushId, tenantId, key);
  if (!item || !entry) return undefined;
  const result: PushResult = { tenantId, tenantName: names(tenantId), kind: item.kind, name: item.name, revision: item.revision, status: entry.status };
  if (entry.error !== undefined) result.error = entry.error;
  return result;
}

export function pushJson(record: PushRecord, ledger: PushLedger, names: TenantNames): Push {
  const plan = ledger.plan(record.id);
  const items = (plan?.items ?? []).map((item) => ({ kind: item.kind, id: item.itemId, name: item.name, revision: item.revision, hash: item.hash }));
  const results: PushResult[] = [];
  for (const { tenantId, key } of ledger.results(record.id)) {
    const result = resultJson(ledger, names, record.id, tenantId, key);
    if (result) results.push(result);
  }
  return { ...pushSummaryJson(record, ledger), items, results };
}

const CACHED_PUSHES = 8;

/**
 * `GET /pushes/{id}` of a big push is megabytes of JSON, and clients poll it while it runs.
 * The text is kept per push and rebuilt only after the push changed (the ledger's version).
 */
export class PushJsonCache {
  readonly #entries = new Map<string, { version: number; text: string }>();

  text(record: PushRecord, ledger: PushLedger, names: TenantNames): string {
    const version = ledger.version(record.id);
    const cached = this.#entries.get(record.id);
    if (cached?.version === version) return cached.text;
    const text = JSON.stringify(pushJson(record, ledger, names));
    this.#entries.delete(record.id);
    if (this.#entries.size >= CACHED_PUSHES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(record.id, { version, text });
    return text;
  }
}
