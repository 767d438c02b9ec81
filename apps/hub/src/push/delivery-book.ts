import type { PushResultStatus } from "@canopy/api";
import type { ApplyStatus, ManifestEntry } from "@canopy/protocol";
import type { DesiredEntry, ItemKey, ReportedEntry, ResultEntry } from "./push-records.js";
import type { HeldRef } from "./tenant-state.js";

/** An item as it travels in a batch (the body is rebuilt from the catalogue when sent). */
export interface SentItem extends HeldRef {
  pushId: string;
}

/**
 * Everything the reconciler reads and records, behind one interface so its delivery logic
 * (batches, backpressure, retries) is tested without a store. `PushBook` implements it.
 */
export interface DeliveryBook {
  desired(tenantId: string, key: ItemKey): DesiredEntry | undefined;
  /** Keys of the tenant's desired state, in the order they were pushed (dependencies first). */
  desiredKeys(tenantId: string): ItemKey[];
  reported(tenantId: string, key: ItemKey): ReportedEntry | undefined;
  result(pushId: string, tenantId: string, key: ItemKey): ResultEntry | undefined;
  /** The body to send for a desired entry and its JSON size; undefined when the catalogue lost it. */
  body(entry: DesiredEntry): { body: unknown; bytes: number } | undefined;

  mergeManifest(tenantId: string, items: readonly ManifestEntry[]): void;
  recordDrift(tenantId: string, items: readonly (Omit<HeldRef, "key"> & { localHash: string | null })[]): void;
  /** The agent's answer for one item of a batch. */
  recordOutcome(tenantId: string, item: SentItem, status: ApplyStatus, error?: string): void;
  /** A pending result settled without asking the agent (already held, dependency failed, …). */
  resolve(pushId: string, tenantId: string, key: ItemKey, status: PushResultStatus, error?: string): void;
  /** Items of a batch that will never be answered (connection gone, timeout). */
  lost(tenantId: string, items: readonly SentItem[]): void;
  /** Something changed: make it durable, then tell the listeners. */
  changed(): void;
}
