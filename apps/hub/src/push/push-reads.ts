import type { PushListQuery, PushProgressEvent, PushSummary } from "@canopy/api";
import { KIND_BY_PATH, isContentPath, type ContentKind } from "@canopy/content";
import { problems } from "../core/problem-error.js";
import type { PushRecord } from "./push-records.js";
import type { Clock } from "../core/clock.js";
import type { PushView } from "./push-view.js";
import { progressEvent, PushJsonCache, pushSummaryJson } from "./push-views.js";

export type PushListFilter = Omit<PushListQuery, "limit"> & { limit: number };

/**
 * The history: one push, or a page of them newest first, filtered. Over the durable view
 * (`DurablePushes`) in the hub: a result is shown applied once it is on disk, never before.
 */
export class PushReads {
  readonly #ledger: PushView;
  readonly #clock: Clock;
  readonly #json = new PushJsonCache();

  constructor(ledger: PushView, clock: Clock) {
    this.#ledger = ledger;
    this.#clock = clock;
  }

  require(pushId: string): PushRecord {
    const record = this.#ledger.get(pushId);
    if (!record) throw problems.notFound(`push ${pushId}`);
    return record;
  }

  /** One push's summary (the answer to a stop). */
  summary(pushId: string): PushSummary {
    return pushSummaryJson(this.require(pushId), this.#ledger);
  }

  /** The progress event a push's stream starts with. */
  progress(pushId: string): PushProgressEvent {
    return progressEvent(this.require(pushId), this.#ledger);
  }

  /** `GET /pushes/{id}` as encoded JSON (cached, see PushJsonCache). */
  jsonBody(pushId: string): Uint8Array<ArrayBuffer> {
    return this.#json.body(this.require(pushId), this.#ledger, this.#clock());
  }

  /** Newest first (ids sort by creation); `cursor` is the last id of the previous page. */
  list(query: PushListFilter): { items: PushSummary[]; nextCursor: string | null } {
    const kind: ContentKind | undefined = query.kind === undefined ? undefined : isContentPath(query.kind) ? KIND_BY_PATH[query.kind] : query.kind;
    const matches = (record: PushRecord): boolean => {
      if (query.cursor !== undefined && record.id >= query.cursor) return false;
      if (query.createdBy !== undefined && record.createdBy !== query.createdBy) return false;
      if (query.state !== undefined && record.state !== query.state) return false;
      if (kind !== undefined && !record.kinds.includes(kind)) return false;
      if (query.tenantId === undefined && query.itemId === undefined) return true;
      const plan = this.#ledger.plan(record.id);
      if (query.tenantId !== undefined && !plan?.tenantIds.includes(query.tenantId)) return false;
      return query.itemId === undefined || plan?.items.some((item) => item.itemId === query.itemId) === true;
    };
    const sorted = this.#ledger.all().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items: PushSummary[] = [];
    for (const record of sorted) {
      if (!matches(record)) continue;
      if (items.length === query.limit) return { items, nextCursor: items[items.length - 1]!.id };
      items.push(pushSummaryJson(record, this.#ledger));
    }
    return { items, nextCursor: null };
  }
}
