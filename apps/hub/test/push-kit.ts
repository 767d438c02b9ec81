import type { PushProgressEvent } from "@canopy/api";
import type { ApplyResult, ManifestEntry } from "@canopy/protocol";
import { createMemoryStore, type Store } from "@canopy/store";
import type { ContentKind } from "@canopy/content";
import { Catalogue } from "../src/content/catalogue.js";
import { EmbeddedContent } from "../src/content/embedded-content.js";
import { AuditLog } from "../src/domain/audit-log.js";
import { EmbeddedAgents } from "../src/domain/embedded/embedded-agents.js";
import { createEmbeddedHubData } from "../src/domain/embedded/embedded-hub-data.js";
import type { HubData } from "../src/domain/hub-data.js";
import { EmbeddedTenants } from "../src/domain/embedded/embedded-tenants.js";
import { newId } from "../src/core/ids.js";
import { isoAt } from "../src/core/clock.js";
import type { AgentLink, ApplyBatch } from "../src/gateway/content-port.js";
import { PushEngine } from "../src/push/push-engine.js";
import type { ReconcilerOptions } from "../src/push/reconciler.js";
import { manualClock, silentLogger } from "./helpers.js";

/** Everything the push engine works with, over one store; `restart()` is a new engine on it. */
export class PushWorld {
  readonly store: Store;
  readonly clock = manualClock();
  readonly tenants: EmbeddedTenants;
  readonly content: EmbeddedContent;
  readonly catalogue: Catalogue;
  readonly audit: AuditLog;
  /** The repositories over the same store: the push history as users are shown it is `data.pushes`. */
  readonly data: HubData;
  readonly live: PushProgressEvent[] = [];
  engine: PushEngine;
  readonly #reconciler: ReconcilerOptions;

  constructor(options: { store?: Store; reconciler?: ReconcilerOptions } = {}) {
    this.store = options.store ?? createMemoryStore();
    // One scheduler turn delivers everything that is ready (as `turn()` expects), unless a test
    // asks for slices: fairness between tenants has its own tests.
    this.#reconciler = { sliceMs: Number.POSITIVE_INFINITY, ...options.reconciler };
    this.tenants = new EmbeddedTenants(this.store, new EmbeddedAgents(this.store));
    this.content = new EmbeddedContent(this.store);
    this.catalogue = new Catalogue(this.clock);
    this.audit = new AuditLog(this.store, this.clock);
    this.data = createEmbeddedHubData(this.store, this.clock);
    this.engine = this.#engine();
  }

  /** A world over a store that already holds pushes: its engine has picked up where they were. */
  static async over(store: Store, options: { reconciler?: ReconcilerOptions } = {}): Promise<PushWorld> {
    const world = new PushWorld({ ...options, store });
    await world.engine.start();
    return world;
  }

  /** The hub died and came back: a new engine over the same store, nothing carried in memory. */
  async restart(): Promise<PushEngine> {
    this.engine.reconciler.close();
    this.engine = this.#engine();
    await this.engine.start();
    return this.engine;
  }

  /** The push as users are shown it (the history: what is durable). */
  async record(pushId: string) {
    return (await this.data.pushes.get(pushId))!;
  }

  /** The push's durable counts. */
  async progress(pushId: string) {
    return (await this.record(pushId)).progress;
  }

  /** The tenant's desired entries as stored (what is durable). */
  async desiredEntries(tenantId: string) {
    return (await this.data.tenantStates.load([tenantId])).get(tenantId)!.desired;
  }

  /** One stored desired entry. */
  async desired(tenantId: string, key: string) {
    return (await this.desiredEntries(tenantId)).find((entry) => entry.id === key);
  }

  /** One stored reported entry. */
  async reported(tenantId: string, key: string) {
    return (await this.data.tenantStates.load([tenantId])).get(tenantId)!.reported.find((entry) => entry.id === key);
  }

  /** The push's durable results, tenant by tenant in plan order. */
  async results(pushId: string) {
    return this.data.pushes.results(pushId);
  }

  /** One durable result. */
  async result(pushId: string, tenantId: string, key: string) {
    const found = (await this.data.pushes.results(pushId, { tenantIds: [tenantId] })).find((result) => result.key === key);
    return found && (found.error === undefined ? { status: found.status } : { status: found.status, error: found.error });
  }

  /** A new tenant; the embedded repository applies the insert at once, so its id is usable now. */
  tenant(name: string, tags: string[] = []): string {
    const now = isoAt(this.clock());
    const id = newId("tnt");
    void this.tenants.insert({ id, name, description: "", tags, parentId: null, createdAt: now, updatedAt: now });
    return id;
  }

  field(name: string, extra: Record<string, unknown> = {}) {
    return this.create("custom-field", { name, type: "text", appliesTo: "incident", ...extra });
  }

  create<K extends ContentKind>(kind: K, body: unknown) {
    return this.catalogue.create(this.content, kind, body, "tester");
  }

  /** The item's sync state as the content routes show it (against its current revision). */
  async syncOf(kind: ContentKind, itemId: string) {
    const item = await this.content.get(kind, itemId);
    return (await this.engine.sync.summaries([{ id: itemId, revision: item?.revision ?? 0 }])).get(itemId)!;
  }

  /** A new revision of the item (through the catalogue's rules, as the API saves it). */
  async update<K extends ContentKind>(kind: K, id: string, body: unknown) {
    return (await this.catalogue.update(this.content, kind, id, body, "tester")).item;
  }

  /** One turn of the event loop: the reconciler sends a push's first batches on the next turn. */
  turn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Lets acks, flushes and events run to the end. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.engine.publisher.idle();
    }
  }

  #engine(): PushEngine {
    return new PushEngine({
      store: this.store,
      data: this.data,
      clock: this.clock,
      logger: silentLogger,
      catalogue: this.content,
      tenants: this.tenants,
      audit: this.audit,
      live: (event) => this.live.push(event),
      reconciler: this.#reconciler,
    });
  }
}

interface Held extends ManifestEntry {
  body: unknown;
}

let sessions = 0;

/**
 * An agent as the push engine sees it, in memory, with the real agent's ack semantics
 * (apps/agent README "Content"): same hash held → `unchanged`, or `applied` when the same push
 * applied it; a dependency that failed or was skipped in the batch → `skipped`; names in
 * `refuse` fail. With `autoAck` it answers each batch on the next turn; otherwise the test calls
 * `answer()`.
 */
export class FakeContentAgent implements AgentLink {
  readonly agentId: string;
  sessionId = "";
  isOpen = false;
  readonly held = new Map<string, Held>();
  readonly inbox: ApplyBatch[] = [];
  readonly received: ApplyBatch[] = [];
  /** Each received batch's payload as the reconciler encoded it, in the same order. */
  readonly payloads: (Uint8Array | undefined)[] = [];
  readonly refuse = new Set<string>();
  autoAck = true;
  readonly log = silentLogger;
  /** Acks are computed and the manifest updated, but never sent (a crash ate them). */
  dropAcks = false;
  /** Whether its hello listed the removal capability (agents of earlier versions did not). */
  removes = true;
  #world: PushWorld;

  constructor(
    world: PushWorld,
    readonly tenantId: string,
  ) {
    this.#world = world;
    this.agentId = `agt_${tenantId}`;
  }

  /** Welcome, then the manifest (in parts of `perPart` entries when given), as the real agent does. */
  connect(perPart?: number): void {
    this.welcome();
    const port = this.#world.engine.reconciler;
    const items = this.manifest();
    if (perPart === undefined) {
      void port.manifest(this, { type: "content.manifest", items });
      return;
    }
    for (let at = 0, part = 0; at === 0 || at < items.length; at += perPart, part++) {
      void port.manifest(this, { type: "content.manifest", items: items.slice(at, at + perPart), part, final: at + perPart >= items.length });
    }
  }

  /** Only the welcome: the manifest is the test's to send. */
  welcome(): void {
    this.sessionId = `s${++sessions}`;
    this.isOpen = true;
    this.#world.engine.reconciler.connected(this);
  }

  disconnect(): void {
    this.isOpen = false;
    this.inbox.length = 0;
    this.#world.engine.reconciler.disconnected(this);
  }

  manifest(): ManifestEntry[] {
    return Array.from(this.held.values(), ({ body: _body, ...entry }) => entry);
  }

  apply(batch: ApplyBatch, payload?: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.inbox.push(batch);
    this.received.push(batch);
    this.payloads.push(payload);
    if (this.autoAck) setImmediate(() => this.answer(batch.batchId));
    return true;
  }

  /** Applies a batch from the inbox and acknowledges it. */
  answer(batchId = this.inbox[0]?.batchId): ApplyResult[] {
    const index = this.inbox.findIndex((b) => b.batchId === batchId);
    if (index < 0 || !this.isOpen) return [];
    const [batch] = this.inbox.splice(index, 1);
    const results = this.#apply(batch!);
    if (!this.dropAcks) this.#world.engine.reconciler.ack(this, { type: "content.ack", batchId: batch!.batchId, results });
    return results;
  }

  /** A local edit on the tenant, reported as drift. */
  drift(kind: string, name: string): void {
    const held = this.held.get(`${kind}:${name}`)!;
    held.drifted = true;
    this.#world.engine.reconciler.drift(this, { type: "content.drift", items: [{ kind: held.kind, name: held.name, revision: held.revision, hash: held.hash, localHash: null }] });
  }

  #apply(batch: ApplyBatch): ApplyResult[] {
    const statuses = new Map<string, ApplyResult["status"]>();
    return batch.items.map((item) => {
      const key = `${item.kind}:${item.name}`;
      const ref = { kind: item.kind, name: item.name, revision: item.revision, hash: item.hash };
      const blocker = item.dependsOn.find((d) => ["failed", "skipped"].includes(statuses.get(`${d.kind}:${d.name}`) ?? ""));
      const held = this.held.get(key);
      let result: ApplyResult;
      if (item.remove) {
        result = { ...ref, status: held ? "applied" : "unchanged" };
        if (held && this.refuse.has(item.name)) result = { ...ref, status: "failed", error: `could not delete ${item.name}` };
        else this.held.delete(key);
      } else if (blocker) result = { ...ref, status: "skipped", error: `skipped: depends on ${blocker.kind} ${blocker.name}, which failed` };
      else if (held && held.hash === item.hash && !held.drifted) result = { ...ref, status: batch.pushId !== null && held.pushId === batch.pushId ? "applied" : "unchanged" };
      else if (this.refuse.has(item.name)) result = { ...ref, status: "failed", error: `refused ${item.name}` };
      else {
        this.held.set(key, { ...ref, pushId: batch.pushId, drifted: false, body: item.body });
        result = { ...ref, status: "applied" };
      }
      statuses.set(key, result.status);
      return result;
    });
  }
}
