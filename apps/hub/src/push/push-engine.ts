import type { ContentPath, DryRunPlan, PushOptions, PushProgressEvent, PushTargets } from "@canopy/api";
import { KIND_BY_PATH, type ContentKind } from "@canopy/content";
import type { Store } from "@canopy/store";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import type { AuditEntryInput } from "../domain/audit-log.js";
import type { HubData } from "../domain/hub-data.js";
import { DeliveredBodies } from "./delivered-bodies.js";
import { deliveredItem, expandItems, MAX_PUSHED_NAME, transformOptions, type CatalogueReads, type MissingDependency, type ResolvedItem } from "./push-items.js";
import { PushLedger } from "./push-ledger.js";
import { refusalOf, type CapabilityLookup } from "./capability-refusals.js";
import { inScope, ROOT_SCOPE, type OrgScope } from "../orgs/org-scope.js";
import { planPush, resolveTargets, type TargetTenant } from "./push-planner.js";
import { PushPublisher } from "./push-publisher.js";
import { type ItemKey, emptyProgress, type DesiredEntry, type PushRecord, type PushType } from "./push-records.js";
import { PushControl } from "./push-control.js";
import { PushReads } from "./push-reads.js";
import { Reconciler, type ReconcilerOptions } from "./reconciler.js";
import { PushSyncReader } from "./sync-state.js";
import { TenantState } from "./tenant-state.js";
import { TimeSlicer } from "../content/time-slice.js";
import { holding, plannedRemoval, removalOf, renamedAway } from "./withdrawals.js";

/** How long desired state is written back to back before the event loop gets a turn (as the reconciler's batches). */
const DEFAULT_SLICE_MS = 10;

/** The tenants a push can target (the tenants' repository). */
export interface TenantDirectory {
  getMany(ids: Iterable<string>): Promise<Map<string, TargetTenant>>;
  all(): Promise<TargetTenant[]>;
}

export interface PushEngineOptions {
  store: Store;
  /** The push history (`pushes`), desired and reported state (`tenantStates`), and the unit of work their writes go through. */
  data: Pick<HubData, "pushes" | "tenantStates" | "write">;
  /** `data` is PostgreSQL while the audit is in `store` (see PushPublisher). */
  dataBesideStore?: boolean;
  clock: Clock;
  logger: Logger;
  catalogue: CatalogueReads;
  tenants: TenantDirectory;
  /** What each tenant holds: an item whose capability a tenant lacks is refused for it, with the reason. */
  capabilities?: CapabilityLookup | undefined;
  audit: { record(entry: AuditEntryInput): unknown };
  /** The live feed (`push.progress`). */
  live(event: PushProgressEvent): void;
  reconciler?: ReconcilerOptions;
}

export interface PushRequest {
  items: { kind: ContentPath; id: string }[];
  targets: PushTargets;
  options?: PushOptions | undefined;
}

interface Prepared {
  items: ResolvedItem[];
  tenants: TargetTenant[];
  missingDependencies: MissingDependency[];
}

/**
 * The push engine: turns a push request into desired state per tenant and a pending result per
 * tenant and item (durable before the caller hears of it), and hands delivery to the
 * reconciler, which works from desired vs reported state and so survives offline tenants,
 * dropped connections and restarts of either side. A new engine over the same store (a hub
 * restart) carries on where the last one stopped.
 */
export class PushEngine {
  readonly state: TenantState;
  /** The pushes delivery works on (running ones), in memory; the history is `data.pushes`. */
  readonly ledger: PushLedger;
  readonly reconciler: Reconciler;
  readonly publisher: PushPublisher;
  readonly sync: PushSyncReader;
  readonly control: PushControl;
  readonly reads: PushReads;
  readonly #options: PushEngineOptions;
  readonly #bodies: DeliveredBodies;
  /** The push being made: the next one waits for it. */
  #making: Promise<unknown> = Promise.resolve();

  constructor(options: PushEngineOptions) {
    this.#options = options;
    const { store, clock, tenants, catalogue, logger } = options;
    this.state = new TenantState(options.data.tenantStates);
    this.ledger = new PushLedger(clock);
    this.#bodies = new DeliveredBodies({ catalogue, logger: logger.child({ component: "bodies" }) });
    this.publisher = new PushPublisher({ ledger: this.ledger, state: this.state, data: options.data, dataBesideStore: options.dataBesideStore === true, flush: () => store.flush(), live: options.live, logger });
    this.reconciler = new Reconciler({
      state: this.state,
      ledger: this.ledger,
      bodies: this.#bodies,
      publisher: this.publisher,
      logger: logger.child({ component: "reconciler" }),
      options: options.reconciler,
    });
    this.sync = new PushSyncReader(options.data.tenantStates, tenants);
    this.control = new PushControl({ engine: this, pushes: options.data.pushes, tenantStates: options.data.tenantStates, audit: options.audit });
    this.reads = new PushReads(options.data.pushes, clock, (pushId) => this.publisher.writtenVersion(pushId));
  }

  /** Picks up where the last hub stopped (running pushes back in memory); before agents connect. */
  async start(): Promise<void> {
    await this.control.recover();
  }

  async dryRun(request: PushRequest, scope: OrgScope = ROOT_SCOPE): Promise<DryRunPlan> {
    const prepared = await this.#prepare(request, scope);
    const tenantIds = prepared.tenants.map((tenant) => tenant.id);
    await this.state.hold(tenantIds);
    try {
      const plan = planPush(prepared.items, prepared.tenants, (tenantId, key) => this.state.reported(tenantId, key));
      return { dryRun: true, plan, missingDependencies: prepared.missingDependencies };
    } finally {
      this.state.release(tenantIds);
    }
  }

  /** `scope`: the organizations the push may reach (the caller's); it belongs to the first. */
  async push(request: PushRequest, actor: string, scope: OrgScope = ROOT_SCOPE): Promise<PushRecord> {
    const prepared = await this.#prepare(request, scope);
    const items = prepared.items;
    // An item it delivers under another name than a tenant holds it (renamed) is removed under the old one.
    const renamed = (tenantId: string) => renamedAway(this.state.desiredEntries(tenantId), items);
    return this.#create("push", items, prepared.tenants, request.targets, request.options ?? {}, { actor, orgId: scope.orgId }, renamed);
  }

  /**
   * A catalogue item was deleted: every tenant whose desired state holds it (under any name) has
   * it removed, in one push by `actor`; undefined when no tenant holds it. Every holder, whatever
   * the caller's scope: the item is gone for all of them.
   */
  async withdraw(itemId: string, actor: string, scope: OrgScope = ROOT_SCOPE): Promise<PushRecord | undefined> {
    const holders = await this.#options.data.tenantStates.targets(itemId);
    const tenants = await existing(this.#options.tenants, new Set(holders.map((holder) => holder.tenantId)));
    if (tenants.length === 0) return undefined;
    const held = (tenantId: string) => holding(this.state.desiredEntries(tenantId), itemId);
    return this.#create("push", [], tenants, { tenants: tenants.map((tenant) => tenant.id) }, {}, { actor, orgId: scope.orgId }, held);
  }

  /** Puts `revision` of an item back on the given tenants, or on every tenant that holds the item. */
  async rollback(path: ContentPath, itemId: string, body: { revision: number; tenants?: string[] | undefined }, actor: string, scope: OrgScope = ROOT_SCOPE): Promise<PushRecord> {
    const kind = KIND_BY_PATH[path];
    const { catalogue, tenants } = this.#options;
    const item = await catalogue.get(kind, itemId);
    if (!item) throw problems.notFound(`${kind} ${itemId}`);
    const revision = await catalogue.revision(kind, itemId, body.revision);
    if (!revision) throw problems.notFound(`revision ${body.revision} of ${kind} ${item.name}`);
    const holders = new Map((await this.#options.data.tenantStates.targets(itemId)).map((target) => [target.tenantId, target.desired]));
    const targets = (body.tenants ? await this.#namedTenants(body.tenants, "tenants", scope) : await existing(tenants, holders.keys())).filter((tenant) => inScope(scope, tenant.id));
    if (targets.length === 0) throw problems.conflict("not_pushed", `${kind} ${item.name} is not on any tenant; push it first`);
    // The options the item was last pushed with (a library item keeps its scheduled-search choice).
    const last = targets.map((t) => holders.get(t.id)).find((d) => d !== undefined);
    const options: PushOptions = last ? { ...last.options } : {};
    const rolledBack = deliveredItem({ kind, itemId, revision: revision.revision, hash: revision.hash, body: revision.body }, transformOptions(options));
    const targetSpec = { tenants: targets.map((t) => t.id) };
    const renamed = (tenantId: string) => renamedAway(this.state.desiredEntries(tenantId), [rolledBack]);
    return this.#create("rollback", [rolledBack], targets, targetSpec, options, { actor, orgId: scope.orgId }, renamed);
  }

  /** Hub shutdown: delivery timers stop; what changed is written first. */
  async close(): Promise<void> {
    this.reconciler.close();
    await this.publisher.idle();
  }

  async #prepare(request: PushRequest, scope: OrgScope): Promise<Prepared> {
    const refs = request.items.map((ref) => ({ kind: KIND_BY_PATH[ref.kind], id: ref.id }));
    const expansion = await expandItems(this.#options.catalogue, refs, request.options ?? {});
    const errors = expansion.unknown.map(({ index, kind }) => ({ path: `items.${index}.id`, message: `no ${kind} with this id` }));
    for (const item of expansion.items) {
      if (item.name.length > MAX_PUSHED_NAME) errors.push({ path: "items", message: `${item.kind} ${item.name.slice(0, 60)}… has a name longer than ${MAX_PUSHED_NAME} characters` });
    }
    // Only the caller's scope can be reached: another organization's tenant reads as unknown.
    const reachable = scope.orgIds === null ? await this.#options.tenants.all() : [...(await this.#options.tenants.getMany(scope.orgIds)).values()];
    const targets = resolveTargets(request.targets, reachable);
    for (const unknown of targets.unknown) errors.push({ path: `targets.${unknown.field}.${unknown.index}`, message: "no tenant with this id" });
    if (errors.length === 0 && targets.tenants.length === 0) errors.push({ path: "targets", message: "no tenant matches these targets" });
    if (errors.length > 0) throw problems.invalid(errors);
    return { items: expansion.items, tenants: targets.tenants, missingDependencies: expansion.missingDependencies };
  }

  async #namedTenants(ids: readonly string[], field: "tenants", scope: OrgScope): Promise<TargetTenant[]> {
    const found = [...(await this.#options.tenants.getMany(ids)).values()].filter((tenant) => inScope(scope, tenant.id));
    const resolved = resolveTargets({ tenants: [...ids] }, found);
    if (resolved.unknown.length > 0) {
      throw problems.invalid(resolved.unknown.map((u) => ({ path: `${field}.${u.index}`, message: "no tenant with this id" })));
    }
    return resolved.tenants;
  }

  /**
   * Writes the push's desired state tenant by tenant, giving the event loop a turn every few
   * milliseconds (thousands of entries for a big push), then records the push with every result
   * pending, flushes (principle 5: on disk before the 202) and hands the tenants to the
   * reconciler. Pushes are made one at a time, so two never interleave their slices.
   */
  #create(type: PushType, items: ResolvedItem[], tenants: TargetTenant[], targets: PushTargets, options: PushOptions, actor: PushAuthor, withdrawn: Withdrawn): Promise<PushRecord> {
    const made = this.#making.then(() => this.#make(type, items, tenants, targets, options, actor, withdrawn));
    this.#making = made.catch(() => {});
    return made;
  }

  async #make(type: PushType, items: ResolvedItem[], targetTenants: TargetTenant[], targets: PushTargets, options: PushOptions, actor: PushAuthor, withdrawn: Withdrawn): Promise<PushRecord> {
    const tenantIds = targetTenants.map((tenant) => tenant.id);
    // In memory until the push is written (or refused and undone); connected ones stay after.
    await this.state.hold(tenantIds);
    try {
      return await this.#makeHeld(type, items, targetTenants, targets, options, actor, withdrawn);
    } finally {
      this.state.release(tenantIds);
    }
  }

  async #makeHeld(type: PushType, items: ResolvedItem[], targetTenants: TargetTenant[], targets: PushTargets, options: PushOptions, author: PushAuthor, withdrawn: Withdrawn): Promise<PushRecord> {
    const { clock } = this.#options;
    const actor = author.actor;
    const now = clock();
    const held = (await this.#options.capabilities?.(targetTenants.map((tenant) => tenant.id))) ?? new Map();
    const refused: { tenantId: string; key: ItemKey; reason: string }[] = [];
    const id = newSortableId("psh", now);
    const transform = transformOptions(options);
    const slicer = new TimeSlicer(this.#options.reconciler?.sliceMs ?? DEFAULT_SLICE_MS);
    // Before any desired entry names them: a delivery that starts meanwhile finds every body here.
    for (const item of items) this.#bodies.remember(item);
    const superseded: { pushId: string; tenantId: string; key: string }[] = [];
    /** Removals by key (each planned once), and per tenant the keys removed there. */
    const removals = new Map<ItemKey, ReturnType<typeof plannedRemoval>>();
    const removedAt = new Map<string, Set<ItemKey>>();
    const supersede = (tenantId: string, key: ItemKey) => {
      const current = this.state.desired(tenantId, key);
      // A newer push takes the item over: the older one's undelivered result ends here.
      if (current && this.ledger.result(current.pushId, tenantId, key)?.status === "pending") {
        this.ledger.setResult(current.pushId, tenantId, key, "stopped", `superseded by push ${id}`);
        superseded.push({ pushId: current.pushId, tenantId, key });
      }
      return current;
    };
    for (const tenant of targetTenants) {
      await slicer.pause();
      const away = withdrawn(tenant.id);
      removedAt.set(tenant.id, new Set(away.map((entry) => entry.id)));
      for (const entry of away) {
        if (!removals.has(entry.id)) removals.set(entry.id, plannedRemoval(entry));
        supersede(tenant.id, entry.id);
        this.state.setDesired(tenant.id, removalOf(entry, id));
      }
      for (const item of items) {
        const refusal = this.#options.capabilities ? refusalOf(item.kind, held.get(tenant.id) ?? { held: [] }, tenant.name) : undefined;
        if (refusal !== undefined) {
          refused.push({ tenantId: tenant.id, key: item.key, reason: refusal });
          continue;
        }
        const current = supersede(tenant.id, item.key);
        const previous = current ? withoutHistory(current) : null;
        const { body: _body, key, ...value } = item;
        this.state.setDesired(tenant.id, { ...value, id: key, pushId: id, options: transform, previous });
      }
    }
    // Until now the reconciler skipped these entries (they have no result yet). A tenant deleted
    // meanwhile is left out of the push, and what was written for it goes (no wait from here to
    // the ledger: a deletion after this read stops the tenant's results like any other's).
    const tenants = await existing(this.#options.tenants, targetTenants.map((tenant) => tenant.id));
    if (tenants.length < targetTenants.length) {
      const kept = new Set(tenants.map((tenant) => tenant.id));
      for (const gone of targetTenants) if (!kept.has(gone.id)) this.state.forget(gone.id);
    }
    if (tenants.length === 0) throw problems.invalid([{ path: "targets", message: "no tenant matches these targets" }]);
    const first = items[0];
    const planned = [...items.map(({ body: _body, ...item }) => item), ...removals.values()];
    const record: PushRecord = {
      id,
      type,
      state: "running",
      createdBy: actor,
      ...(author.orgId === ROOT_SCOPE.orgId ? {} : { orgId: author.orgId }),
      createdAt: isoAt(now),
      finishedAt: null,
      stoppedBy: null,
      title: titleOf(items, [...removals.values()]),
      kinds: [...new Set(planned.map((item) => item.kind))] as ContentKind[],
      itemCount: planned.length,
      tenantCount: tenants.length,
      targets,
      options,
      progress: emptyProgress(),
    };
    this.ledger.create(record, { id: "plan", items: planned, tenantIds: tenants.map((t) => t.id) });
    // A removal is planned for every tenant of the push; where that tenant held nothing under the key, there is nothing to do.
    for (const tenant of tenants) {
      for (const key of removals.keys()) if (!removedAt.get(tenant.id)?.has(key)) this.ledger.setResult(id, tenant.id, key, "unchanged");
    }
    // Refused where a capability is missing: final at once, with the reason; the rest goes on.
    const kept = new Set(tenants.map((tenant) => tenant.id));
    for (const refusal of refused) if (kept.has(refusal.tenantId)) this.ledger.setResult(id, refusal.tenantId, refusal.key, "failed", refusal.reason);
    this.#options.audit.record({
      actor,
      action: type === "rollback" ? "content.rollback" : "push.create",
      target: `push:${id}`,
      detail: { items: items.length, tenants: tenants.length, kinds: record.kinds, title: record.title, ...(removals.size > 0 ? { removals: removals.size } : {}), ...(refused.length > 0 ? { refused: refused.length } : {}), ...(type === "rollback" ? { revision: first?.revision } : {}) },
      orgId: author.orgId,
    });
    // Principle 5: the push, its desired state and its pending results are on disk before the 202.
    try {
      await this.publisher.persist([id]);
    } catch (error) {
      // Refused: the push never was. Its desired entries and what it superseded go back.
      this.ledger.drop(id);
      for (const was of superseded) this.ledger.setResult(was.pushId, was.tenantId, was.key, "pending");
      for (const tenant of targetTenants) for (const item of planned) this.state.restoreDesired(tenant.id, item.key, id);
      this.publisher.request();
      throw error;
    }
    const keys = planned.map((item) => item.key);
    for (const tenant of tenants) this.reconciler.enqueue(tenant.id, keys);
    // A push its tenants already held may be finished, written and out of memory by now.
    const made = this.ledger.get(id);
    return made ? { ...made, progress: { ...made.progress } } : (await this.#options.data.pushes.get(id))!;
  }
}

/** Per tenant, the desired entries the push removes (renamed away, or of a deleted item). */
type Withdrawn = (tenantId: string) => DesiredEntry[];

/** The first item's name and how many more; a push of removals alone says so. */
function titleOf(items: readonly { name: string }[], removals: readonly { name: string }[]): string {
  const first = items[0] ?? removals[0];
  if (!first) return "nothing";
  const count = items.length > 0 ? items.length + removals.length : removals.length;
  return `${items.length > 0 ? "" : "remove "}${first.name}${count > 1 ? ` and ${count - 1} more` : ""}`;
}

/** Who makes a push: named in its history; its organization's users see it. */
interface PushAuthor {
  actor: string;
  orgId: string;
}

/** Those of `ids` that are tenants still, in the order of `ids`. */
async function existing(tenants: TenantDirectory, ids: Iterable<string>): Promise<TargetTenant[]> {
  const wanted = [...ids];
  const found = await tenants.getMany(wanted);
  return wanted.flatMap((id) => found.get(id) ?? []);
}

/** A desired value without its own history: `previous` is one step deep. */
function withoutHistory(entry: DesiredEntry): NonNullable<DesiredEntry["previous"]> {
  const { id: _id, previous: _previous, ...value } = entry;
  return value;
}
