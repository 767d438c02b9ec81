import { Insight, type InsightUpdateRequest, type InsightUpdateResult } from "@canopy/protocol";
import { ShardedCollection, type Store } from "@canopy/store";
import { applyBoardChanges, mergeSourceInsight, type InsightDraft } from "./insight-changes.js";
import { describeIssue, insightBytes, MAX_INSIGHT_BYTES, reviveInsight, SourceInsight, storeInsight, type StoredInsight } from "./insight-doc.js";

/** The store collection of the tenant's insights (16 shards `insights.<n>`); system.info counts it. */
export const INSIGHTS_COLLECTION = "insights";
/** Where insights lived before they were sharded: read once, moved, then left empty. */
const UNSHARDED_COLLECTION = INSIGHTS_COLLECTION;

export type UpsertOutcome = "created" | "updated" | "unchanged";

/** What one import / ingest call did. `failed[].index` is the position in the values given. */
export interface IngestResult {
  accepted: number;
  created: number;
  updated: number;
  unchanged: number;
  /** The first failures by position (all of them, unless an answer had to be kept small). */
  failed: { index: number; error: string }[];
  /** How many failed in all, when `failed` lists only the first (the ingest endpoint's answer). */
  failedCount?: number;
}

/** Where a changed insight goes next: the outbox (it only needs the id; it sends the current doc). */
export interface InsightChangeSink {
  enqueue(id: string): void;
}

/** An insight a source or an update cannot be turned into (one line, for the sender). */
export class InsightRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InsightRejected";
  }
}

/**
 * The tenant's insights in the agent's store (collection `insights`, dates as ISO strings), in
 * 16 shards (`insights.<0-15>`) so that acknowledging one board change rewrites a sixteenth of
 * what the tenant holds, not all of it. The
 * agent owns them: every change goes through here, bumps `revision`, sets `updatedAt` and is
 * handed to the outbox. A change that changes nothing (a re-import, a resent board update) is
 * not a change: no bump, nothing sent.
 */
export class InsightStore {
  readonly #docs: ShardedCollection<StoredInsight>;
  readonly #changes: InsightChangeSink;

  constructor(store: Store, changes: InsightChangeSink) {
    this.#docs = insightDocuments(store);
    this.#changes = changes;
  }

  get size(): number {
    return this.#docs.size;
  }

  /** The insight as the wire carries it; null when unknown (or a damaged document). */
  get(id: string): Insight | null {
    const doc = this.#docs.get(id);
    return doc ? reviveInsight(doc) : null;
  }

  /** The stored document as is (ISO dates), for batching without reviving every date. */
  stored(id: string): StoredInsight | undefined {
    return this.#docs.get(id);
  }

  /** One insight from a source; throws `InsightRejected` when it is not valid. */
  upsert(value: unknown, defaults: { source: string; now?: Date }): { outcome: UpsertOutcome; insight: Insight } {
    const parsed = SourceInsight.safeParse(value);
    if (!parsed.success) throw new InsightRejected(describeIssue(parsed.error));
    const now = defaults.now ?? new Date();
    const existing = this.get(parsed.data.id);
    const draft = mergeSourceInsight(existing, parsed.data, { source: defaults.source, now });
    const { changed, insight } = this.#commit(existing, draft, now);
    return { outcome: !existing ? "created" : changed ? "updated" : "unchanged", insight };
  }

  /** Many at once (import chunk, ingest request); a bad one is reported and the rest still go in. */
  ingest(values: unknown[], defaults: { source: string; now?: Date }): IngestResult {
    const result: IngestResult = { accepted: 0, created: 0, updated: 0, unchanged: 0, failed: [] };
    values.forEach((value, index) => {
      try {
        const { outcome } = this.upsert(value, defaults);
        result.accepted++;
        result[outcome]++;
      } catch (error) {
        if (!(error instanceof InsightRejected)) throw error;
        result.failed.push({ index, error: error.message });
      }
    });
    return result;
  }

  /** One board change from the hub. Unknown id: `not_found`; applying it again changes nothing. */
  applyUpdate(request: InsightUpdateRequest, now = new Date()): InsightUpdateResult {
    const existing = this.get(request.insightId);
    if (!existing) return { updateId: request.updateId, ok: false, error: "not_found" };
    try {
      const { insight } = this.#commit(existing, applyBoardChanges(existing, request.changes, request.requestedAt, now), now);
      return { updateId: request.updateId, ok: true, insight };
    } catch (error) {
      if (!(error instanceof InsightRejected)) throw error;
      return { updateId: request.updateId, ok: false, error: error.message };
    }
  }

  /**
   * Retention: deletes the insights created before `before` (not written until the caller
   * flushes); returns their ids. A scan of this one tenant's documents, run on a schedule; the
   * outbox skips a deleted insight still queued or in an unacked batch.
   */
  purgeCreatedBefore(before: Date): string[] {
    const cutoff = before.toISOString();
    // Stored as `toISOString()` gives them: ISO strings of one length compare as the times do.
    const old = this.#docs.filter((doc) => doc.createdAt < cutoff);
    for (const doc of old) this.#docs.delete(doc.id);
    return old.map((doc) => doc.id);
  }

  /** Every valid insight as stored (ISO dates), oldest first. */
  list(): StoredInsight[] {
    const valid: StoredInsight[] = [];
    for (const doc of this.#docs.all()) {
      const insight = reviveInsight(doc);
      if (insight) valid.push(storeInsight(insight));
    }
    return valid.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #commit(existing: Insight | null, draft: InsightDraft, now: Date): { changed: boolean; insight: Insight } {
    if (existing && sameContent(existing, draft)) return { changed: false, insight: existing };
    const parsed = Insight.safeParse({ ...draft, revision: (existing?.revision ?? 0) + 1, updatedAt: now });
    if (!parsed.success) throw new InsightRejected(describeIssue(parsed.error));
    const stored = storeInsight(parsed.data);
    if (insightBytes(stored) > MAX_INSIGHT_BYTES) throw new InsightRejected(`the insight would be larger than ${MAX_INSIGHT_BYTES / 1024 / 1024} MiB`);
    this.#docs.put(stored);
    this.#changes.enqueue(stored.id);
    return { changed: true, insight: parsed.data };
  }
}

/**
 * The sharded insight documents. An agent data folder from before sharding holds them in one
 * `insights` collection: they move over the first time the store is opened with this version.
 */
export function insightDocuments(store: Store): ShardedCollection<StoredInsight> {
  const docs = new ShardedCollection<StoredInsight>(store, INSIGHTS_COLLECTION);
  const unsharded = store.collection<StoredInsight>(UNSHARDED_COLLECTION);
  for (const doc of unsharded.all()) {
    if (!docs.get(doc.id)) docs.put(doc);
    unsharded.delete(doc.id);
  }
  return docs;
}

/** Equal apart from what the agent stamps (revision, updatedAt). */
function sameContent(existing: Insight, draft: InsightDraft): boolean {
  const normalized = Insight.safeParse({ ...draft, revision: existing.revision, updatedAt: existing.updatedAt });
  return normalized.success && JSON.stringify(storeInsight(normalized.data)) === JSON.stringify(storeInsight(existing));
}
