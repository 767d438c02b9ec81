import type { InsightBulkResult, InsightDetail, InsightList, InsightListQuery, InsightSummary } from "@canopy/api";
import type { Store } from "@canopy/store";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { Agents } from "../domain/agents.js";
import type { AuditLog } from "../domain/audit-log.js";
import type { Tenants } from "../domain/tenants.js";
import type { InsightPort } from "../gateway/insight-port.js";
import { InsightBook } from "./insight-book.js";
import type { InsightEntry } from "./insight-entry.js";
import type { InsightEvents } from "./insight-events.js";
import { InsightIntake } from "./insight-intake.js";
import { InsightLinks } from "./insight-links.js";
import type { IndexQuery } from "./insight-query.js";
import type { InsightSource } from "./insight-source.js";
import { detailOf, summaryOf, type ViewContext } from "./insight-views.js";
import { InsightWriter, type InsightChange } from "./insight-writer.js";
import { PendingUpdates } from "./pending-updates.js";

export interface InsightServiceOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  tenants: Tenants;
  agents: Agents;
  audit: AuditLog;
  events: InsightEvents;
}

function indexQuery(query: InsightListQuery): IndexQuery {
  const from = query.from === undefined ? null : Date.parse(query.from);
  const to = query.to === undefined ? null : Date.parse(query.to);
  return {
    tenantIds: query.tenantId,
    statuses: query.status,
    severities: query.severity,
    tactics: query.tactic,
    techniques: query.technique,
    ruleIds: query.ruleId,
    assignees: query.assignee,
    q: query.q,
    time: from === null && to === null ? undefined : { field: query.timeField, from, to },
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    cursor: query.cursor,
  };
}

/**
 * The hub's insights: the federated copy (book + index), pending board changes, the gateway's
 * side (`port`), and what the routes ask of them. `source` is the read interface dashboards use.
 */
export class InsightService {
  readonly book: InsightBook;
  readonly pending: PendingUpdates;
  readonly links = new InsightLinks();
  /** The gateway's insight side: batches, acks, welcomes. */
  readonly port: InsightPort;
  readonly #writer: InsightWriter;
  readonly #options: InsightServiceOptions;
  readonly #views: ViewContext;

  constructor(options: InsightServiceOptions) {
    this.#options = options;
    const { store, tenants, clock, logger } = options;
    this.book = new InsightBook(store);
    this.pending = new PendingUpdates(store);
    this.#views = {
      tenantName: (tenantId) => tenants.get(tenantId)?.name ?? "",
      pending: this.pending,
      isConnected: (tenantId) => this.links.isConnected(tenantId),
    };
    this.#writer = new InsightWriter({ index: this.book.index, pending: this.pending, links: this.links, clock });
    this.port = new InsightIntake({
      book: this.book,
      pending: this.pending,
      links: this.links,
      tenantExists: (tenantId) => tenants.get(tenantId) !== undefined,
      flush: () => store.flush(),
      clock,
      logger,
      publishUpdated: (keys) => this.#publish(keys),
      publishIngested: (tenantId, count) => options.events.ingested({ tenantId, count }),
    });
  }

  /** The federated index as dashboards read it. */
  get source(): InsightSource {
    return this.book.index;
  }

  /** Indexes every tenant's stored insights (hub start); returns how many. */
  load(): number {
    return this.book.load(this.#options.tenants.all().map((t) => t.id));
  }

  list(query: InsightListQuery): InsightList {
    const page = this.book.index.query(indexQuery(query));
    return { items: page.items.map((entry) => summaryOf(entry, this.#views)), nextCursor: page.nextCursor, total: page.total };
  }

  summary(id: string): InsightSummary | undefined {
    const entry = this.book.index.get(id);
    return entry && summaryOf(entry, this.#views);
  }

  detail(id: string): InsightDetail {
    const entry = this.#require(id);
    const record = this.book.record(entry.tenantId, entry.localId, entry.revision)!;
    return detailOf(entry, record, this.#views);
  }

  /** `PATCH /insights/{id}`: pending until the tenant's agent acknowledges it. */
  async update(id: string, change: InsightChange, actor: string): Promise<InsightSummary> {
    const entry = this.#require(id);
    if (!this.#options.agents.activeFor(entry.tenantId)) {
      throw problems.conflict("not_paired", "this insight's tenant has no paired agent to apply the change");
    }
    const update = this.#writer.plan(entry, change, actor);
    if (update) {
      this.#writer.record([update]);
      this.#options.audit.record({
        actor,
        action: "insight.update",
        target: `insight:${entry.key}`,
        detail: { tenantId: entry.tenantId, updateId: update.id, ...auditedChanges(update.changes) },
      });
      await this.#options.store.flush();
      this.#writer.deliver([update]);
      this.#publish([entry.key]);
    }
    return this.summary(entry.key)!;
  }

  /** `POST /insights/bulk`: the same change to many insights, of any tenants. */
  async bulk(ids: readonly string[], change: InsightChange, actor: string): Promise<InsightBulkResult> {
    const notFound: string[] = [];
    const entries: InsightEntry[] = [];
    for (const id of new Set(ids)) {
      const entry = this.book.index.get(id);
      if (entry) entries.push(entry);
      else notFound.push(id);
    }
    const updates = entries.flatMap((entry) => this.#writer.plan(entry, change, actor) ?? []);
    if (updates.length === 0) return { accepted: entries.length, sent: 0, queued: 0, notFound };
    this.#writer.record(updates);
    this.#options.audit.record({
      actor,
      action: "insight.bulk_update",
      target: null,
      detail: {
        count: updates.length,
        tenants: new Set(updates.map((u) => u.tenantId)).size,
        ids: updates.slice(0, 100).map((u) => `${u.tenantId}~${u.localId}`),
        ...auditedChanges({ status: change.status, assignee: change.assignee, ...(change.comment ? { comment: { id: "" } } : {}) }),
      },
    });
    await this.#options.store.flush();
    const delivery = this.#writer.deliver(updates);
    this.#publish(updates.map((u) => `${u.tenantId}~${u.localId}`));
    return { accepted: entries.length, ...delivery, notFound };
  }

  /** The tenant was deleted: its insights, pending updates and refusals go with it. */
  tenantDeleted(tenantId: string): void {
    this.book.dropTenant(tenantId);
    this.pending.dropTenant(tenantId);
  }

  #require(id: string): InsightEntry {
    const entry = this.book.index.get(id);
    if (!entry) throw problems.notFound(`insight ${id}`);
    return entry;
  }

  #publish(keys: Iterable<string>): void {
    for (const key of keys) {
      const summary = this.summary(key);
      if (summary) this.#options.events.updated(summary);
    }
  }
}

/** What the audit log keeps of a change: fields and the comment's id, not its text. */
function auditedChanges(changes: { status?: string | undefined; assignee?: string | null | undefined; comment?: { id: string } | undefined }) {
  return {
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.assignee !== undefined ? { assignee: changes.assignee } : {}),
    ...(changes.comment ? { comment: changes.comment.id || true } : {}),
  };
}
