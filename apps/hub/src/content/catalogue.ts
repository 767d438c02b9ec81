import type { ContentBodyByKind, ContentKind } from "@canopy/content";
import { isoAt, type Clock } from "../core/clock.js";
import { ProblemError, problems } from "../core/problem-error.js";
import { newItem, replaced, revisionOf, validated } from "./catalogue-rules.js";
import type { ContentRepository } from "./content-repository.js";
import type { ContentItemRecord, ContentRevisionRecord } from "./content-records.js";
import { saveMany, type SaveDraft, type SaveManyOptions } from "./save-many.js";

/** What a save did: `unchanged` when the body's canonical hash equals the current one. */
export type SaveOutcome = "created" | "updated" | "unchanged";

export interface SaveResult<K extends ContentKind = ContentKind> {
  item: ContentItemRecord<K>;
  outcome: SaveOutcome;
}

/**
 * The catalogue's rules, over a `ContentRepository` (a unit of work's, for changes): bodies are
 * validated by @canopy/content, a save that changes the body's canonical hash makes a new
 * revision, and every revision is kept. Errors are ProblemErrors: 404 `not_found`, 409
 * `content_name_taken`, 422 `invalid_request` with the validator's `errors: [{path, message}]`.
 */
export class Catalogue {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Validates and stores a new item (revision 1). */
  async create<K extends ContentKind>(repo: ContentRepository, kind: K, body: unknown, actor: string): Promise<ContentItemRecord<K>> {
    const { value, name } = validated(kind, body);
    return this.#insert(repo, kind, value, name, actor);
  }

  /**
   * Replaces an item's body. A body whose canonical hash equals the current one changes nothing
   * (same revision, no new revision record); otherwise the revision goes up by one.
   */
  async update<K extends ContentKind>(repo: ContentRepository, kind: K, id: string, body: unknown, actor: string): Promise<SaveResult<K> & { before: ContentItemRecord<K> }> {
    const before = await repo.getForUpdate(kind, id);
    if (!before) throw problems.notFound(`${kind} ${id}`);
    const { value, name } = validated(kind, body);
    return { ...(await this.#replace(repo, before, value, name, actor)), before };
  }

  /** Creates the item, or replaces the one with the same name (how imports work). */
  async save<K extends ContentKind>(repo: ContentRepository, kind: K, body: unknown, actor: string): Promise<SaveResult<K>> {
    const [result] = await this.saveMany(repo, [{ kind, body }], actor);
    if (result instanceof ProblemError) throw result;
    return result as SaveResult<K>;
  }

  /**
   * `save` for each draft, in one unit of work and a few repository calls per slice of drafts;
   * each draft's result, or the ProblemError that refused it, at its place.
   */
  saveMany(repo: ContentRepository, drafts: readonly SaveDraft[], actor: string, options?: SaveManyOptions): Promise<(SaveResult | ProblemError)[]> {
    return saveMany(repo, drafts, actor, this.#clock, options);
  }

  /** Deletes the item (404 if missing); its revisions stay for deliveries already decided. */
  async remove<K extends ContentKind>(repo: ContentRepository, kind: K, id: string): Promise<ContentItemRecord<K>> {
    const item = await repo.getForUpdate(kind, id);
    if (!item || !(await repo.delete(kind, id))) throw problems.notFound(`${kind} ${id}`);
    return item;
  }

  async #insert<K extends ContentKind>(repo: ContentRepository, kind: K, body: ContentBodyByKind[K], name: string, actor: string): Promise<ContentItemRecord<K>> {
    const item = newItem(kind, body, name, actor, isoAt(this.#clock()));
    await repo.insert(item);
    await repo.addRevision(revisionOf(item));
    return item;
  }

  async #replace<K extends ContentKind>(repo: ContentRepository, current: ContentItemRecord<K>, body: ContentBodyByKind[K], name: string, actor: string): Promise<SaveResult<K>> {
    const item = replaced(current, body, name, actor, isoAt(this.#clock()));
    if (!item) return { item: current, outcome: "unchanged" };
    await repo.update(item);
    await repo.addRevision(revisionOf(item));
    return { item, outcome: "updated" };
  }
}

/** 404 `not_found` when the item is missing. */
export async function requireContent<K extends ContentKind>(repo: ContentRepository, kind: K, id: string): Promise<ContentItemRecord<K>> {
  const item = await repo.get(kind, id);
  if (!item) throw problems.notFound(`${kind} ${id}`);
  return item;
}

/** Every revision of an existing item, newest first (404 when the item does not exist). */
export async function contentHistory<K extends ContentKind>(repo: ContentRepository, kind: K, id: string): Promise<ContentRevisionRecord<K>[]> {
  const item = await requireContent(repo, kind, id);
  return repo.history(kind, id, item.revision);
}
