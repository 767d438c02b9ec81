import type { ContentBodyByKind, ContentKind } from "@canopy/content";
import { isoAt, type Clock } from "../core/clock.js";
import { ProblemError, problems } from "../core/problem-error.js";
import type { SaveResult } from "./catalogue.js";
import { newItem, replaced, revisionOf, validated } from "./catalogue-rules.js";
import { contentNameKey, contentNameTaken, type ContentRepository } from "./content-repository.js";
import type { ContentItemRecord } from "./content-records.js";

/** A body to save under its kind: created, or replacing the item of the same name. */
export interface SaveDraft {
  kind: ContentKind;
  body: unknown;
}

export interface SaveManyOptions {
  /** Items per read and per write: a few statements per slice on PostgreSQL, not a few per item. */
  sliceSize?: number;
  /** Awaited between items, so long work gives the event loop turns (see TimeSlicer). */
  pause?: () => Promise<void>;
}

interface Valid {
  index: number;
  kind: ContentKind;
  name: string;
  key: string;
  value: ContentBodyByKind[ContentKind];
}

const byName = (a: Valid, b: Valid): number =>
  a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

const sameName = (kind: ContentKind, name: string): string => `${kind}\u0000${contentNameKey(name)}`;

const nameTaken = (kind: ContentKind, name: string): ProblemError => {
  const taken = contentNameTaken(kind, name);
  return problems.conflict(taken.code, taken.detail);
};

function* slices<T>(list: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < list.length; start += size) yield list.slice(start, start + size);
}

/**
 * `Catalogue.save` for many drafts in one unit of work; each draft's result (or the ProblemError
 * that refused it: 422 invalid, 409 name taken) at its place. A second draft of a name already in
 * the call is refused (409), the first saved.
 *
 * Every item replaced is locked before anything is inserted, both in name order: a unit's locks
 * last until it ends, and two units that take them in one order never wait on each other in a
 * cycle, whatever their slices (an insert waits only on another unit's insert of the same name).
 */
export async function saveMany(repo: ContentRepository, drafts: readonly SaveDraft[], actor: string, clock: Clock, options: SaveManyOptions = {}): Promise<(SaveResult | ProblemError)[]> {
  const { sliceSize = 500, pause = async () => {} } = options;
  const results: (SaveResult | ProblemError)[] = new Array<SaveResult | ProblemError>(drafts.length);
  const valid: Valid[] = [];
  for (const [index, draft] of drafts.entries()) {
    await pause();
    try {
      const { value, name } = validated(draft.kind, draft.body);
      valid.push({ index, kind: draft.kind, name, key: contentNameKey(name), value });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      results[index] = error;
    }
  }
  const sorted: Valid[] = [];
  for (const draft of valid.sort(byName)) {
    const previous = sorted.at(-1);
    if (previous && byName(previous, draft) === 0) results[draft.index] = nameTaken(draft.kind, draft.name);
    else sorted.push(draft);
  }

  const current = new Map<string, ContentItemRecord>();
  for (const slice of slices(sorted, sliceSize)) {
    for (const item of await repo.getByNamesForUpdate(slice.map(({ kind, name }) => ({ kind, name })))) current.set(sameName(item.kind, item.name), item);
  }

  for (const slice of slices(sorted, sliceSize)) {
    const fresh: { draft: Valid; item: ContentItemRecord }[] = [];
    const changed: { draft: Valid; item: ContentItemRecord }[] = [];
    for (const draft of slice) {
      await pause();
      const at = isoAt(clock());
      const existing = current.get(sameName(draft.kind, draft.name));
      if (!existing) {
        fresh.push({ draft, item: newItem(draft.kind, draft.value, draft.name, actor, at) });
        continue;
      }
      const next = replaced(existing, draft.value, draft.name, actor, at);
      if (next) changed.push({ draft, item: next });
      else results[draft.index] = { item: existing, outcome: "unchanged" };
    }
    const taken = new Set((await repo.insertMany(fresh.map(({ item }) => item))).map((item) => item.id));
    await repo.updateMany(changed.map(({ item }) => item));
    const created = fresh.filter(({ item }) => !taken.has(item.id));
    await repo.addRevisions([...created, ...changed].map(({ item }) => revisionOf(item)));
    for (const { draft, item } of fresh) results[draft.index] = taken.has(item.id) ? nameTaken(item.kind, item.name) : { item, outcome: "created" };
    for (const { draft, item } of changed) results[draft.index] = { item, outcome: "updated" };
  }
  return results;
}
