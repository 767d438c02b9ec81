import type { PushProgress } from "@canopy/api";
import type { ItemKey, PushPlanDoc, PushRecord, ResultEntry } from "./push-records.js";

/**
 * What the push views (history, one push's JSON, its events, dashboards) read. Two sources
 * implement it: the ledger, live, moved by every acknowledgement as it arrives (what delivery
 * and the publisher's pre-flush snapshot need), and `DurablePushes`, the same history as it is
 * on disk (what users are shown: a crash cannot take it back).
 */
export interface PushView {
  get(pushId: string): PushRecord | undefined;
  all(): PushRecord[];
  plan(pushId: string): PushPlanDoc | undefined;
  planned(pushId: string, key: ItemKey): PushPlanDoc["items"][number] | undefined;
  result(pushId: string, tenantId: string, key: ItemKey): ResultEntry | undefined;
  /** Every result of the push, tenant by tenant in plan order. */
  results(pushId: string): Iterable<{ tenantId: string; key: ItemKey; entry: ResultEntry }>;
  /** Counts (the same object each time for the ledger: callers copy before handing it out). */
  progress(pushId: string): PushProgress;
  /** Moves whenever anything about the push changes (for caches of its JSON). */
  version(pushId: string): number;
}
