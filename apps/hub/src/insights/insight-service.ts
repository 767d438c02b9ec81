import type { InsightBulkResult, InsightDetail, InsightList, InsightListQuery, InsightSummary } from "@canopy/api";
import type { Store } from "@canopy/store";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { Agents } from "../domain/agents.js";
import type { AuditLog } from "../domain/audit-log.js";
import type { Tenants } from "../domain/tenants.js";
import type { InsightPort } from "../gateway/insight-port.js";
import type { InsightEntry } from "./insight-entry.js";
import type { InsightEvents } from "./insight-events.js";
import { InsightIntake } from "./insight-intake.js";
import { InsightLinks } from "./insight-links.js";
import type { IndexQuery } from "./insight-query.js";
import type { InsightRepository } from "./insight-repository.js";
import { detailOf, summaryOf, type ViewContext } from "./insight-views.js";
import { InsightWriter, type InsightChange } from "./insight-writer.js";
import { PendingUpdates } from "./pending-updates.js";

export interface InsightServiceOptions {
  store: Store;
  /** Where the insights themselves live (embedded or PostgreSQL); pending updates stay in `store`. */
  repository: InsightRepository;
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
 * The hub's insights: the federated copy (`repository`), pending board changes, the gateway's
 * side (`port`), and what the routes ask of them. Dashboards read `repository` too.
 */
export class InsightService {
  readonly repository: InsightRepository;
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
    this.repository = options.repository;
    this.pending = new PendingUpdates(store);
    this.#views = {
      tenantName: (tenantId) => tenants.get(tenantId)?.name ?? "",
      pending: this.pending,
      isConnected: (tenantId) => this.links.isConnected(tenantId),
    };
    this.#writer = new InsightWriter({ pending: this.pending, links: this.links, clock });
    this.port = new InsightIntake({
      repository: this.repository,
      pending: this.pending,
      links: this.links,
      tenantExists: (tenantId) => tenants.get(tenantId) !== undefined,
      flush: () => store.flush(),
      clock,
      logger,
      publishUpdated: (keys) => void this.#publish(keys),
      publishIngested: (tenantId, count) => options.events.ingested({ tenantId, count }),
    });
  }

  /** Hub start: the embedded repository indexes every tenant's stored insights; returns how many it read. */
  load(): Promise<number> {
    return this.repository.open(this.#options.tenants.all().map((t) => t.id));
  }

  async list(query: InsightListQuery): Promise<InsightList> {
    const page = await this.repository.list(indexQuery(query));
    return { items: page.items.map((entry) => summaryOf(entry, this.#views)), nextCursor: page.nextCursor, total: page.total };
  }

  async summary(id: string): Promise<InsightSummary | undefined> {
    const entry = await this.repository.get(id);
    return entry && summaryOf(entry, this.#views);
  }

  async detail(id: string): Promise<InsightDetail> {
    const found = await this.repository.detail(id);
    if (!found) throw problems.notFound(`insight ${id}`);
    return detailOf(found.entry, found.record, this.#views);
  }

  /** `PATCH /insights/{id}`: pending until the tenant's agent acknowledges it. */
  async update(id: string, change: InsightChange, actor: string): Promise<InsightSummary> {
    const entry = await this.#require(id);
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
      await this.#publish([entry.key]);
    }
    return summaryOf((await this.repository.get(entry.key)) ?? entry, this.#views);
  }

  /** `POST /insights/bulk`: the same change to many insights, of any tenants. */
  async bulk(ids: readonly string[], change: InsightChange, actor: string): Promise<InsightBulkResult> {
    const notFound: string[] = [];
    const entries: InsightEntry[] = [];
    const unique = [...new Set(ids)];
    const found = await this.repository.getMany(unique);
    for (const id of unique) {
      const entry = found.get(id);
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
    await this.#publish(updates.map((u) => `${u.tenantId}~${u.localId}`));
    return { accepted: entries.length, ...delivery, notFound };
  }

  /** The tenant was deleted: its insights, pending updates and refusals go with it. */
  async tenantDeleted(tenantId: string): Promise<void> {
    this.pending.dropTenant(tenantId);
    await this.repository.dropTenant(tenantId);
  }

  async #require(id: string): Promise<InsightEntry> {
    const entry = await this.repository.get(id);
    if (!entry) throw problems.notFound(`insight ${id}`);
    return entry;
  }

  /** Live `insight.updated` for these insights as listed now (those still there). */
  async #publish(keys: Iterable<string>): Promise<void> {
    try {
      const found = await this.repository.getMany([...keys]);
      for (const entry of found.values()) this.#options.events.updated(summaryOf(entry, this.#views));
    } catch (error) {
      // A live event is a hint to refresh; a failed read must not fail what already happened.
      this.#options.logger.warn({ err: error }, "could not read insights for live events");
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
