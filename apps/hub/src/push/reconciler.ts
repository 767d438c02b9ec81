import { randomBytes } from "node:crypto";
import { encodeHubPayload, type AgentMessage, type ApplyItem } from "@canopy/protocol";
import type { Logger } from "pino";
import { FairScheduler } from "../core/fair-scheduler.js";
import { clip } from "../gateway/agent-log.js";
import type { AgentLink, ContentPort } from "../gateway/content-port.js";
import type { DeliveredBodies } from "./delivered-bodies.js";
import { decide } from "./delivery-decision.js";
import { compositionOf, EncodedBatches, type EncodedBatch } from "./encoded-batches.js";
import { recordAnswer, recordLost, settleWithoutAgent, type SentItem } from "./delivery-outcomes.js";
import type { PushLedger } from "./push-ledger.js";
import type { PushPublisher } from "./push-publisher.js";
import { ManifestParts } from "./manifest-parts.js";
import { itemKey, type ItemKey } from "./push-records.js";
import { withDefaults, type ReconcilerOptions } from "./reconciler-options.js";
import type { TenantState } from "./tenant-state.js";

export type { ReconcilerOptions } from "./reconciler-options.js";

export interface ReconcilerParts {
  /** Desired state (what to deliver) and reported state (what each agent holds). */
  state: TenantState;
  /** The pushes' results, which deliveries settle. */
  ledger: PushLedger;
  bodies: DeliveredBodies;
  /** Told of every change: it makes the change durable, then announces it. */
  publisher: PushPublisher;
  logger: Logger;
  options?: ReconcilerOptions | undefined;
}

interface Batch {
  id: string;
  pushId: string;
  items: SentItem[];
  timer: NodeJS.Timeout;
}

/**
 * One connected agent: what it may still need, and what is on its way to it. An idle agent (its
 * manifest matched, nothing in flight) is most of 10,000: the sets and maps of work in progress
 * are made when work first needs them and shared empties meanwhile, so an idle peer is this
 * object and its state's promise.
 */
interface Peer {
  link: AgentLink;
  /** Its manifest arrived: the reported state is current and delivery may start. */
  ready: boolean;
  /** The parts of its manifest so far (created at the first part). */
  manifest: ManifestParts | undefined;
  /** Resolves true once the tenant's state is held in memory for this connection (false: the connection went first). */
  stateReady: Promise<boolean>;
  /** This connection holds the tenant's state (released when it goes). */
  held: boolean;
  /** Keys to look at, in order. A key leaves once it needs nothing (or is sent). Made at first use (see `#dirtyOf`). */
  dirty: Set<ItemKey> | undefined;
  /** Batches awaiting their ack; `NO_BATCHES` until the first is sent. */
  inFlight: Map<string, Batch>;
  /** Key → the item as sent, for the batches in flight; `NO_ITEMS` until the first batch. */
  sending: Map<ItemKey, SentItem>;
  /** Batches that timed out: a late ack still counts. Made at the first timeout. */
  expired: Map<string, Batch> | undefined;
  losses: number;
  timer: NodeJS.Timeout | undefined;
  /** Its next batch waits in the scheduler. */
  scheduled: boolean;
  /** Schedules its next batch: a body it waited for was read (made the first time a body is waited for). */
  wake: (() => void) | undefined;
}

/** The shared empties of idle peers: never written (a peer gets its own before its first write). */
const NO_BATCHES: ReadonlyMap<string, Batch> = new Map();
const NO_ITEMS: ReadonlyMap<ItemKey, SentItem> = new Map();

const MAX_EXPIRED = 16;
/** What a removal adds to a batch's JSON, about (no body: kind, name, hash). */
const REMOVAL_BYTES = 200;

/**
 * Delivers the desired state to connected agents (DESIGN.md principle 1). Per agent: after its
 * manifest, every desired key is compared with what it reported (see `decide`); what differs is
 * sent in batches of at most `batchItems` items / ~`batchBytes`, one push per batch, with at
 * most `maxInFlight` batches awaiting their ack. A batch lost to a disconnect is simply
 * reconciled again after the next manifest; one lost to a timeout is resent after a backoff.
 * Batches are built one at a time through a `FairScheduler`: tenants take turns, and the event
 * loop gets a turn between slices, so a push to many tenants never stalls the hub. The same batch
 * to many agents is encoded once (`EncodedBatches`) and only sealed per connection.
 * Implements the gateway's `ContentPort`.
 */
export class Reconciler implements ContentPort {
  readonly #state: TenantState;
  readonly #ledger: PushLedger;
  readonly #bodies: DeliveredBodies;
  readonly #publisher: PushPublisher;
  readonly #log: Logger;
  readonly #options: Required<ReconcilerOptions>;
  readonly #peers = new Map<string, Peer>();
  /** Connections dropped: one whose state arrives after it went lets it go at once. */
  readonly #gone = new WeakSet<Peer>();
  readonly #scheduler: FairScheduler;
  readonly #encoded: EncodedBatches;
  #batchSeq = 0;
  // Batch ids differ across hub restarts too, so an answer meant for an earlier hub is never mistaken.
  readonly #batchPrefix = `b${randomBytes(4).toString("hex")}-`;

  constructor(parts: ReconcilerParts) {
    this.#state = parts.state;
    this.#ledger = parts.ledger;
    this.#bodies = parts.bodies;
    this.#publisher = parts.publisher;
    this.#log = parts.logger;
    this.#options = withDefaults(parts.options ?? {});
    this.#scheduler = new FairScheduler({ sliceMs: this.#options.sliceMs });
    this.#encoded = new EncodedBatches({ live: (pushId) => this.#ledger.get(pushId) !== undefined });
  }

  connected(link: AgentLink): void {
    const previous = this.#peers.get(link.tenantId);
    const peer: Peer = {
      link,
      ready: false,
      manifest: undefined,
      stateReady: Promise.resolve(false),
      held: false,
      dirty: undefined,
      inFlight: NO_BATCHES as Map<string, Batch>,
      sending: NO_ITEMS as Map<ItemKey, SentItem>,
      expired: undefined,
      losses: 0,
      timer: undefined,
      scheduled: false,
      wake: undefined,
    };
    // Held before the previous connection lets go, so a reconnect does not read the tenant again.
    peer.stateReady = this.#holdState(peer);
    if (previous) this.#drop(previous);
    this.#peers.set(link.tenantId, peer);
    this.#awaitManifest(peer);
  }

  /** Delivers from the last known state if no (whole) manifest arrives within `manifestWaitMs`. */
  #awaitManifest(peer: Peer): void {
    clearTimeout(peer.timer);
    peer.timer = this.#after(this.#options.manifestWaitMs, () => {
      void this.#whenHeld(peer, () => {
        if (peer.ready) return;
        peer.link.log.warn({}, "no content manifest from the agent; delivering from the last known state");
        this.#start(peer);
      });
    });
  }

  disconnected(link: AgentLink): void {
    const peer = this.#peers.get(link.tenantId);
    if (peer?.link === link) this.#drop(peer);
  }

  async manifest(link: AgentLink, message: AgentMessage<"content.manifest">): Promise<void> {
    const peer = this.#peer(link);
    if (!peer) return;
    const step = (peer.manifest ??= new ManifestParts()).add(message);
    if (step.type === "refused") {
      link.log.warn({ reason: step.reason }, "content manifest refused; the state reported before stays");
      return;
    }
    if (step.type === "partial") {
      // A big manifest is on its way: the wait for it starts again with each part.
      if (!peer.ready && peer.timer !== undefined) this.#awaitManifest(peer);
      return;
    }
    peer.manifest = undefined;
    await this.#whenHeld(peer, () => {
      this.#state.mergeManifest(link.tenantId, step.items);
      this.#publisher.request();
      this.#start(peer);
    });
  }

  /** Taken in the tenant's turn, like its batches: a burst of acks from many agents is served fairly. */
  ack(link: AgentLink, message: AgentMessage<"content.ack">): void {
    this.#scheduler.run(link.tenantId, () => this.#ack(link, message)).catch((error: unknown) => link.log.error({ err: error }, "content ack failed"));
  }

  #ack(link: AgentLink, message: AgentMessage<"content.ack">): void {
    const peer = this.#peer(link);
    if (!peer) return;
    const batch = peer.inFlight.get(message.batchId) ?? peer.expired?.get(message.batchId);
    if (!batch) {
      link.log.warn({ batchId: clip(message.batchId) }, "ack for a batch this connection did not send");
      return;
    }
    this.#settle(peer, batch);
    const byKey = new Map(batch.items.map((item) => [item.key, item]));
    for (const result of message.results) {
      const item = byKey.get(itemKey(result.kind, result.name));
      // Only answers about what was sent, as it was sent: the agent speaks for nothing else.
      if (!item || item.hash !== result.hash) continue;
      byKey.delete(item.key);
      recordAnswer(this.#state, this.#ledger, link.tenantId, item, result.status, result.error);
    }
    this.#publisher.request();
    if (byKey.size === 0) {
      peer.losses = 0;
      this.#schedule(peer);
      return;
    }
    // Items the ack left out were not applied as far as the hub knows: sent again, after a
    // backoff, so an agent that keeps leaving them out cannot make the hub spin.
    const dirty = dirtyOf(peer);
    for (const item of byKey.values()) dirty.add(item.key);
    this.#backOff(peer);
  }

  async drift(link: AgentLink, message: AgentMessage<"content.drift">): Promise<void> {
    const peer = this.#peer(link);
    if (!peer) return;
    await this.#whenHeld(peer, () => {
      this.#state.recordDrift(link.tenantId, message.items);
      this.#publisher.request();
    });
  }

  /** New desired state for a tenant (a push, a retry): delivered now if its agent is connected. */
  enqueue(tenantId: string, keys: Iterable<ItemKey>): void {
    const peer = this.#peers.get(tenantId);
    if (!peer?.ready) return;
    const dirty = dirtyOf(peer);
    for (const key of keys) dirty.add(key);
    this.#schedule(peer);
  }

  /** Whether `key` is in a batch on its way to the tenant's agent. */
  inFlight(tenantId: string, key: ItemKey, pushId: string): boolean {
    return this.#peers.get(tenantId)?.sending.get(key)?.pushId === pushId;
  }

  get connectedTenants(): number {
    return this.#peers.size;
  }

  /** Hub shutdown: timers stop; what is in flight is reconciled after the agents reconnect. */
  close(): void {
    for (const peer of Array.from(this.#peers.values())) this.#drop(peer);
  }

  /**
   * Holds the tenant's state for the connection, trying again after a pause while the repository
   * refuses (a database restarting): the agent stays connected, and delivery starts once it is in.
   */
  async #holdState(peer: Peer): Promise<boolean> {
    const tenantId = peer.link.tenantId;
    for (let losses = 0; !this.#gone.has(peer); losses++) {
      try {
        await this.#state.hold([tenantId]);
      } catch (error) {
        const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** losses);
        peer.link.log.error({ err: error, retryInMs: delay }, "could not load the tenant's push state; trying again");
        await new Promise((resolve) => this.#after(delay, () => resolve(undefined)));
        continue;
      }
      if (this.#gone.has(peer)) {
        this.#state.release([tenantId]);
        return false;
      }
      peer.held = true;
      return true;
    }
    return false;
  }

  /** Runs `work` once the connection holds its tenant's state, if it is still the tenant's connection then. */
  async #whenHeld(peer: Peer, work: () => void): Promise<void> {
    if (!(await peer.stateReady) || this.#peers.get(peer.link.tenantId) !== peer) return;
    work();
  }

  #start(peer: Peer): void {
    clearTimeout(peer.timer);
    peer.timer = undefined;
    peer.ready = true;
    const keys = this.#state.desiredKeys(peer.link.tenantId);
    peer.dirty = keys.length > 0 ? new Set(keys) : undefined;
    this.#schedule(peer);
  }

  /**
   * Queues the peer's next batch: a push (or a manifest) is answered first, and then tenants
   * take turns, one batch each, until each agent's window is full or nothing is left to send.
   */
  #schedule(peer: Peer): void {
    if (peer.scheduled) return;
    peer.scheduled = true;
    const tenantId = peer.link.tenantId;
    this.#scheduler
      .run(tenantId, () => {
        peer.scheduled = false;
        if (this.#peers.get(tenantId) === peer && this.#sendOne(peer)) this.#schedule(peer);
      })
      .catch((error: unknown) => this.#log.error({ err: error, tenantId }, "content delivery failed"));
  }

  /** Sends one batch if the agent has room and something needs sending; true when it sent one. */
  #sendOne(peer: Peer): boolean {
    if (!peer.ready || peer.timer !== undefined) return false;
    if (!peer.link.isOpen || peer.inFlight.size >= this.#options.maxInFlight) return false;
    return this.#sendNext(peer);
  }

  /** Builds and sends one batch; false when there is nothing to send now. */
  #sendNext(peer: Peer): boolean {
    const dirty = peer.dirty;
    if (dirty === undefined) return false;
    const tenantId = peer.link.tenantId;
    const items: ApplyItem[] = [];
    const sent: SentItem[] = [];
    const inBatch = new Set<ItemKey>();
    let pushId: string | undefined;
    let bytes = 0;
    let resolved = false;
    for (const key of dirty) {
      const desired = this.#state.desired(tenantId, key);
      const decision = decide({
        desired,
        reported: this.#state.reported(tenantId, key),
        result: desired ? this.#ledger.result(desired.pushId, tenantId, key) : undefined,
        inFlightHash: peer.sending.get(key)?.hash,
        removes: peer.link.removes,
        dependency: (dependency) => ({
          result: desired ? this.#ledger.result(desired.pushId, tenantId, dependency) : undefined,
          inFlight: peer.sending.has(dependency),
          inBatch: inBatch.has(dependency),
        }),
      });
      if (decision.type === "wait") {
        if (decision.needs !== undefined) dirty.add(decision.needs);
        continue;
      }
      if (decision.type !== "send") {
        if (decision.type === "resolve") {
          settleWithoutAgent(this.#state, this.#ledger, decision.pushId, tenantId, key, decision.status, decision.error);
          resolved = true;
        }
        dirty.delete(key);
        continue;
      }
      const entry = decision.entry;
      // One push per batch: the agent records the batch's push id with every item.
      if (pushId !== undefined && entry.pushId !== pushId) continue;
      if (items.length >= this.#options.batchItems) break;
      if (entry.remove) {
        pushId = entry.pushId;
        bytes += REMOVAL_BYTES;
        items.push({ kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, body: null, dependsOn: [], remove: true });
        sent.push({ key, kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, pushId: entry.pushId, remove: true });
        inBatch.add(key);
        dirty.delete(key);
        continue;
      }
      const body = this.#bodies.body(entry, (peer.wake ??= () => this.#schedule(peer)));
      // Read in the background; the key stays dirty and the peer is woken when it is there.
      if (body === "loading") continue;
      if (body === "missing") {
        settleWithoutAgent(this.#state, this.#ledger, entry.pushId, tenantId, key, "failed", `revision ${entry.revision} of ${entry.kind} ${entry.name} is no longer in the catalogue`);
        resolved = true;
        dirty.delete(key);
        continue;
      }
      if (items.length > 0 && bytes + body.bytes > this.#options.batchBytes) break;
      pushId = entry.pushId;
      bytes += body.bytes;
      items.push({ kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, body: body.body, dependsOn: entry.dependsOn });
      sent.push({ key, kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, pushId: entry.pushId });
      inBatch.add(key);
      dirty.delete(key);
    }
    if (dirty.size === 0 && peer.dirty === dirty) peer.dirty = undefined;
    if (resolved) this.#publisher.request();
    if (pushId === undefined) return false;
    const encoded = this.#encodedBatch(peer, pushId, items, sent);
    const batch: Batch = { id: encoded.id, pushId, items: sent, timer: this.#after(this.#options.ackTimeoutMs, () => this.#timedOut(peer, batch)) };
    if (peer.inFlight === NO_BATCHES) {
      peer.inFlight = new Map();
      peer.sending = new Map();
    }
    peer.inFlight.set(batch.id, batch);
    for (const item of sent) peer.sending.set(item.key, item);
    if (!peer.link.apply({ batchId: batch.id, pushId, items }, encoded.payload)) {
      // The connection is going away; `disconnected` follows and the next manifest starts over.
      this.#settle(peer, batch);
      recordLost(this.#state, this.#ledger, tenantId, sent);
      return false;
    }
    return true;
  }

  /**
   * The batch as encoded for every agent it goes to (the first one's turn encodes it). An agent
   * that had this very batch already (a resend after a timeout) gets it under a fresh id, so a
   * late ack of the first is told apart from the resend's.
   */
  #encodedBatch(peer: Peer, pushId: string, items: ApplyItem[], sent: SentItem[]): EncodedBatch {
    const make = () => {
      const id = `${this.#batchPrefix}${++this.#batchSeq}`;
      return { id, message: { type: "content.apply" as const, batchId: id, pushId, items } };
    };
    const shared = this.#encoded.take(compositionOf(pushId, sent), pushId, make);
    if (!peer.inFlight.has(shared.id) && !peer.expired?.has(shared.id)) return shared;
    const { id, message } = make();
    return { id, pushId, payload: encodeHubPayload(message) };
  }

  #timedOut(peer: Peer, batch: Batch): void {
    if (!peer.inFlight.has(batch.id)) return;
    this.#settle(peer, batch);
    const expired = (peer.expired ??= new Map());
    expired.set(batch.id, batch);
    if (expired.size > MAX_EXPIRED) expired.delete(expired.keys().next().value!);
    const dirty = dirtyOf(peer);
    for (const item of batch.items) dirty.add(item.key);
    recordLost(this.#state, this.#ledger, peer.link.tenantId, batch.items);
    this.#publisher.request();
    const delay = this.#backOff(peer);
    this.#log.warn({ tenantId: peer.link.tenantId, batchId: batch.id, items: batch.items.length, retryInMs: delay }, "content batch not acknowledged in time; resending");
  }

  /** Pauses sending to the agent: 1 s, doubling per loss in a row, up to `retryMaxMs`. */
  #backOff(peer: Peer): number {
    peer.losses++;
    const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (peer.losses - 1));
    clearTimeout(peer.timer);
    peer.timer = this.#after(delay, () => {
      peer.timer = undefined;
      this.#schedule(peer);
    });
    return delay;
  }

  /** The batch is answered or given up: its keys are no longer in flight. */
  #settle(peer: Peer, batch: Batch): void {
    clearTimeout(batch.timer);
    peer.inFlight.delete(batch.id);
    peer.expired?.delete(batch.id);
    for (const item of batch.items) if (peer.sending.get(item.key) === item) peer.sending.delete(item.key);
    // Nothing in flight and nothing expired: back to the shared empties.
    if (peer.inFlight.size === 0 && !peer.expired?.size) {
      peer.inFlight = NO_BATCHES as Map<string, Batch>;
      peer.sending = NO_ITEMS as Map<ItemKey, SentItem>;
      peer.expired = undefined;
    }
  }

  #drop(peer: Peer): void {
    clearTimeout(peer.timer);
    const lost = Array.from(peer.inFlight.values(), (batch) => {
      clearTimeout(batch.timer);
      return batch.items;
    }).flat();
    peer.inFlight = NO_BATCHES as Map<string, Batch>;
    peer.sending = NO_ITEMS as Map<ItemKey, SentItem>;
    peer.expired = undefined;
    peer.dirty = undefined;
    this.#gone.add(peer);
    if (this.#peers.get(peer.link.tenantId) === peer) this.#peers.delete(peer.link.tenantId);
    if (!peer.held) return;
    if (lost.length > 0) {
      recordLost(this.#state, this.#ledger, peer.link.tenantId, lost);
      this.#publisher.request();
    }
    peer.held = false;
    this.#state.release([peer.link.tenantId]);
  }

  #peer(link: AgentLink): Peer | undefined {
    const peer = this.#peers.get(link.tenantId);
    return peer?.link === link ? peer : undefined;
  }

  #after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(run, ms);
    timer.unref();
    return timer;
  }
}

/** The peer's dirty keys, made at the first that needs looking at. */
function dirtyOf(peer: Peer): Set<ItemKey> {
  return (peer.dirty ??= new Set());
}
