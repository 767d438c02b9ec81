import type { AgentMessage } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import type { FileChecker } from "./filesystem-adapter.js";
import type { AgentLogger } from "../core/logger.js";
import { contentId, manifestCollection, ManifestDoc } from "./manifest.js";

export type DriftedItem = AgentMessage<"content.drift">["items"][number];

/**
 * Compares every file the filesystem adapter wrote with the hash recorded when it was applied.
 * A changed or missing file marks its item `drifted`, waiting to be reported, once per change:
 * the file's hash at the time (null: deleted) is kept, so the next scan stays quiet until the
 * file changes again. Drift is sticky until a push applies the item again. Returns the new
 * changes (for the log); `unreportedDrift` says what still has to be sent.
 */
export async function scanForDrift(store: Store, checker: FileChecker, logger: AgentLogger, signal: AbortSignal): Promise<DriftedItem[]> {
  const found: DriftedItem[] = [];
  // The documents as stored (checked against the schema when the store opened), unsorted: a
  // parse and sort of every entry every 10 s was most of an idle agent's scan.
  for (const entry of manifestCollection(store).all()) {
    if (signal.aborted) break;
    if (entry.adapter !== "filesystem" || !entry.fileHash || !entry.location) continue;
    let check;
    try {
      check = await checker.check(entry);
    } catch (error) {
      logger.warn({ kind: entry.kind, name: entry.name, err: error instanceof Error ? error.message : String(error) }, "could not check an applied file for drift");
      continue;
    }
    if (check.state === "ok") continue;
    if (entry.drifted && entry.localHash === check.localHash) continue;
    // The entry may have been replaced while the file was read; only mark what was checked.
    const current = manifestCollection(store).get(entry.id);
    if (!current || current.hash !== entry.hash || current.fileHash !== entry.fileHash) continue;
    manifestCollection(store).put({ ...entry, drifted: true, localHash: check.localHash, driftReported: false });
    found.push({ kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, localHash: check.localHash });
  }
  return found;
}

/** Drift found but not yet sent (found offline, or since the last report), marked as sent by `markDriftReported`. */
export function unreportedDrift(store: Store): DriftedItem[] {
  // Filtered before parsing: this runs after every scan, and almost nothing matches.
  return manifestCollection(store)
    .filter((doc) => doc.drifted === true && doc.driftReported === false)
    .flatMap((doc) => {
      const parsed = ManifestDoc.safeParse(doc);
      return parsed.success ? [parsed.data] : [];
    })
    .map((entry) => ({ kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, localHash: entry.localHash ?? null }));
}

export function markDriftReported(store: Store, items: DriftedItem[]): void {
  const collection = manifestCollection(store);
  for (const item of items) collection.update(contentId(item.kind, item.name), { driftReported: true });
}
