import type { InsightBulkResult, InsightDetail, InsightList, InsightListQuery, InsightSummary } from "@canopy/api";
import type { Store } from "@canopy/store";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { AgentRepository } from "../domain/agent-repository.js";
import type { AuditLog } from "../domain/audit-log.js";
import type { TenantRepository } from "../domain/tenant-repository.js";
import type { InsightLink, InsightPort } from "../gateway/insight-port.js";
import type { VolumeGate } from "../settings/volume-cap.js";
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
  tenants: Pick<TenantRepository, "get" | "getMany" | "all">;
  agents: Pick<AgentRepository, "activeFor">;
  audit: AuditLog;
  events: InsightEvents;
  /** The daily volume cap (none: every batch is stored). */
  volume?: VolumeGate | undefined;
  /** An agent was welcomed. */
  onConnected?: ((link: InsightLink) => void) | undefined;
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
  readonly #views: Omit<ViewContext, "tenantName">;
  /**
   * Tenants deleted since start: a batch still on its way from one (its agent is disconnected
   * right after the deletion) is not kept. Revoked at deletion, such an agent never comes back.
   */
  readonly #deleted = new Set<string>();

  constructor(options: InsightServiceOptions) {
    this.#options = options;
    const { store, clock, logger } = options;
    this.repository = options.repository;
    this.pending = new PendingUpdates(store);
    this.#views = {
      pending: this.pending,
      isConnected: (tenantId) => this.links.isConnected(tenantId),
    };
    this.#writer = new InsightWriter({ pending: this.pending, links: this.links, clock });
    this.port = new InsightIntake({
      repository: this.repository,
      pending: this.pending,
      links: this.links,
      tenantExists: (tenantId) => !this.#deleted.has(tenantId),
      flush: () => store.flush(),
      clock,
      logger,
      publishUpdated: (keys) => void this.#publish(keys),
      publishIngested: (tenantId, count) => options.events.ingested({ tenantId, count }),
      volume: options.volume,
      onConnected: options.onConnected,
    });
  }

  /** Hub start: the embedded repository indexes every tenant's stored insights; returns how many it read. */
  async load(): Promise<number> {
    return this.repository.open((await this.#options.tenants.all()).map((t) => t.id));
  }

  /** `visible`: the tenants whose insights the caller sees (InsightVisibility); undefined: all. */
  async list(query: InsightListQuery, visible?: readonly string[]): Promise<InsightList> {
    const index = indexQuery(query);
    if (visible !== undefined) {
      const allowed = new Set(visible);
      index.tenantIds = index.tenantIds ? index.tenantIds.filter((id) => allowed.has(id)) : visible;
      if (index.tenantIds.length === 0) return { items: [], nextCursor: null, total: 0 };
    }
    const page = await this.repository.list(index);
    const views = await this.#viewsFor(page.items);
    return { items: page.items.map((entry) => summaryOf(entry, views)), nextCursor: page.nextCursor, total: page.total };
  }

  async summary(id: string): Promise<InsightSummary | undefined> {
    const entry = await this.repository.get(id);
    return entry && summaryOf(entry, await this.#viewsFor([entry]));
  }

  async detail(id: string): Promise<InsightDetail> {
    const found = await this.repository.detail(id);
    if (!found) throw problems.notFound(`insight ${id}`);
    return detailOf(found.entry, found.record, await this.#viewsFor([found.entry]));
  }

  /** `PATCH /insights/{id}`: pending until the tenant's agent acknowledges it. */
  async update(id: string, change: InsightChange, actor: string): Promise<InsightSummary> {
    const entry = await this.#require(id);
    if (!(await this.#options.agents.activeFor(entry.tenantId))) {
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
    const shown = (await this.repository.get(entry.key)) ?? entry;
    return summaryOf(shown, await this.#viewsFor([shown]));
  }

  /** `POST /insights/bulk`: the same change to many insights, of any tenants. */
  async bulk(ids: readonly string[], change: InsightChange, actor: string, visible?: readonly string[]): Promise<InsightBulkResult> {
    const notFound: string[] = [];
    const entries: InsightEntry[] = [];
    const unique = [...new Set(ids)];
    const found = await this.repository.getMany(unique);
    // One the caller may not see is reported as not found, as an id that never was.
    const sees = visible === undefined ? () => true : ((allowed) => (tenantId: string) => allowed.has(tenantId))(new Set(visible));
    for (const id of unique) {
      const entry = found.get(id);
      if (entry && sees(entry.tenantId)) entries.push(entry);
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
    this.#deleted.add(tenantId);
    this.pending.dropTenant(tenantId);
    await this.repository.dropTenant(tenantId);
  }

  /** How these insights are shown: their tenants' names read once, for all of them. */
  async #viewsFor(entries: Iterable<InsightEntry>): Promise<ViewContext> {
    const ids = new Set<string>();
    for (const entry of entries) ids.add(entry.tenantId);
    const tenants = await this.#options.tenants.getMany(ids);
    return { ...this.#views, tenantName: (tenantId) => tenants.get(tenantId)?.name ?? "" };
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
      const views = await this.#viewsFor(found.values());
      for (const entry of found.values()) this.#options.events.updated(summaryOf(entry, views));
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
