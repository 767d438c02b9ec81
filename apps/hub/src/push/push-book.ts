import type { PushResultStatus } from "@canopy/api";
import type { ApplyStatus, ManifestEntry } from "@canopy/protocol";
import type { DeliveryBook, SentItem } from "./delivery-book.js";
import { deliveredItem, type Catalogue } from "./push-items.js";
import type { PushLedger } from "./push-ledger.js";
import type { DesiredEntry, ItemKey } from "./push-records.js";
import type { HeldRef, TenantState } from "./tenant-state.js";

const MAX_CACHED_SIZES = 50_000;

/**
 * The reconciler's view of the hub: desired and reported state per tenant, the pushes'
 * results, and item bodies from the catalogue. Rules for results that are no longer pending:
 * an acknowledgement for a result that was stopped (or superseded) while its batch was in
 * flight records what really happened; a stopped item the agent did not take goes back to its
 * previous desired state.
 */
export class PushBook implements DeliveryBook {
  readonly #state: TenantState;
  readonly #ledger: PushLedger;
  readonly #catalogue: Catalogue;
  readonly #onChange: () => void;
  // JSON size per delivered body: the batch size is checked for every tenant it goes to.
  readonly #sizes = new Map<string, number>();

  constructor(state: TenantState, ledger: PushLedger, catalogue: Catalogue, onChange: () => void) {
    this.#state = state;
    this.#ledger = ledger;
    this.#catalogue = catalogue;
    this.#onChange = onChange;
  }

  desired(tenantId: string, key: ItemKey): DesiredEntry | undefined {
    return this.#state.desired(tenantId, key);
  }

  desiredKeys(tenantId: string): ItemKey[] {
    return this.#state.desiredEntries(tenantId).map((entry) => entry.id);
  }

  reported(tenantId: string, key: ItemKey) {
    return this.#state.reported(tenantId, key);
  }

  result(pushId: string, tenantId: string, key: ItemKey) {
    return this.#ledger.result(pushId, tenantId, key);
  }

  body(entry: DesiredEntry): { body: unknown; bytes: number } | undefined {
    const revision = this.#catalogue.revision(entry.kind, entry.itemId, entry.revision);
    if (!revision) return undefined;
    const item = deliveredItem({ kind: entry.kind, itemId: entry.itemId, revision: revision.revision, hash: revision.hash, body: revision.body }, entry.options);
    // By the body's hash, not the revision number: a failed write can roll a revision back and the next save reuse its number.
    const sizeKey = `${revision.hash}:${entry.options.scheduledSearches}:${entry.options.scheduledReports}`;
    let bytes = this.#sizes.get(sizeKey);
    if (bytes === undefined) {
      bytes = JSON.stringify(item.body)?.length ?? 0;
      if (this.#sizes.size >= MAX_CACHED_SIZES) this.#sizes.clear();
      this.#sizes.set(sizeKey, bytes);
    }
    return { body: item.body, bytes };
  }

  mergeManifest(tenantId: string, items: readonly ManifestEntry[]): void {
    this.#state.mergeManifest(tenantId, items);
  }

  recordDrift(tenantId: string, items: readonly (Omit<HeldRef, "key"> & { localHash: string | null })[]): void {
    this.#state.recordDrift(tenantId, items);
  }

  recordOutcome(tenantId: string, item: SentItem, status: ApplyStatus, error?: string): void {
    this.#state.recordOutcome(tenantId, item, status, item.pushId, error);
    const previous = this.#ledger.result(item.pushId, tenantId, item.key)?.status;
    if (previous !== "pending" && previous !== "stopped") return;
    this.#ledger.setResult(item.pushId, tenantId, item.key, status, status === "failed" || status === "skipped" ? (error ?? status) : undefined);
    if (previous === "stopped" && (status === "failed" || status === "skipped")) this.#state.restoreDesired(tenantId, item.key, item.pushId);
  }

  resolve(pushId: string, tenantId: string, key: ItemKey, status: PushResultStatus, error?: string): void {
    if (this.#ledger.result(pushId, tenantId, key)?.status !== "pending") return;
    this.#ledger.setResult(pushId, tenantId, key, status, error);
    const desired = this.#state.desired(tenantId, key);
    // Skipped (or failed) by the hub itself: remembered like a refusal, so it is not resent until a retry.
    if ((status === "failed" || status === "skipped") && desired?.pushId === pushId) {
      this.#state.recordOutcome(tenantId, { key, kind: desired.kind, name: desired.name, revision: desired.revision, hash: desired.hash }, status, pushId, error);
    }
  }

  lost(tenantId: string, items: readonly SentItem[]): void {
    for (const item of items) {
      if (this.#ledger.result(item.pushId, tenantId, item.key)?.status === "stopped") this.#state.restoreDesired(tenantId, item.key, item.pushId);
    }
  }

  changed(): void {
    this.#onChange();
  }
}
