import type { PushListQuery, PushProgressEvent, PushSummary } from "@canopy/api";
import { KIND_BY_PATH, isContentPath } from "@canopy/content";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { PushRecord } from "./push-records.js";
import type { PushRepository } from "./push-repository.js";
import { progressEvent, PushJsonCache, pushJson, pushSummaryJson } from "./push-views.js";

export type PushListFilter = Omit<PushListQuery, "limit"> & { limit: number };

/**
 * The history as users are shown it: one push, or a page of them newest first, filtered. Read
 * through the repository, so a result is shown applied once it is durable, never before.
 */
export class PushReads {
  readonly #pushes: PushRepository;
  readonly #clock: Clock;
  /** Moves whenever a write of the push is durable (the publisher's count). */
  readonly #version: (pushId: string) => number;
  readonly #json = new PushJsonCache();

  constructor(pushes: PushRepository, clock: Clock, version: (pushId: string) => number) {
    this.#pushes = pushes;
    this.#clock = clock;
    this.#version = version;
  }

  async require(pushId: string): Promise<PushRecord> {
    const record = await this.#pushes.get(pushId);
    if (!record) throw problems.notFound(`push ${pushId}`);
    return record;
  }

  /** One push's summary (the answer to a stop). */
  async summary(pushId: string): Promise<PushSummary> {
    return pushSummaryJson(await this.require(pushId));
  }

  /** The progress event a push's stream starts with. */
  async progress(pushId: string): Promise<PushProgressEvent> {
    return progressEvent(await this.require(pushId));
  }

  /** `GET /pushes/{id}` as encoded JSON (cached, see PushJsonCache). */
  async jsonBody(pushId: string): Promise<Uint8Array<ArrayBuffer>> {
    const version = this.#version(pushId);
    const record = await this.require(pushId);
    return this.#json.body(record, version, this.#clock(), async () => {
      const [plan, results] = await Promise.all([this.#pushes.plan(pushId), this.#pushes.results(pushId)]);
      return pushJson(record, plan, results);
    });
  }

  /** Newest first (ids sort by creation); `cursor` is the last id of the previous page. */
  /** `orgIds`: only pushes made in these organizations (a caller's scope); null: all. */
  async list(query: PushListFilter, orgIds: ReadonlySet<string> | null = null): Promise<{ items: PushSummary[]; nextCursor: string | null }> {
    const kind = query.kind === undefined ? undefined : isContentPath(query.kind) ? KIND_BY_PATH[query.kind] : query.kind;
    const page = await this.#pushes.page({ ...query, kind, orgIds: orgIds ?? undefined });
    return { items: page.items.map(pushSummaryJson), nextCursor: page.nextCursor };
  }
}
