import { createHash } from "node:crypto";
import type { ApplyItem, ContentKind } from "@canopy/protocol";

/** A valid content hash for test bodies (not the canonical one; any sha256 will do here). */
export function hashOf(body: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(body)).digest("hex")}`;
}

/** An item to apply: `body` defaults to a custom field named like the item. */
export function item(kind: ContentKind, name: string, options: { revision?: number; body?: unknown; dependsOn?: { kind: ContentKind; name: string }[] } = {}): ApplyItem {
  const body = options.body ?? { name, type: "text", appliesTo: "incident" };
  return { kind, name, revision: options.revision ?? 1, hash: hashOf(body), body, dependsOn: options.dependsOn ?? [] };
}

let batches = 0;
export const nextBatchId = (): string => `b${++batches}`;
