import type { ZodType } from "zod";
import type { Doc } from "./store.js";

/**
 * The shape of each collection's documents, registered by the store's owner and checked when a
 * file is read: by exact name (`tenants`), or by a pattern ending in `.*` that covers every
 * partition below it (`insights.*` covers `insights.<tenant>.<shard>`). The exact name wins,
 * then the longest pattern.
 */
export type CollectionSchemas = Readonly<Record<string, ZodType<Doc>>>;

export function schemaFor(schemas: CollectionSchemas, name: string): ZodType<Doc> | undefined {
  const exact = schemas[name];
  if (exact) return exact;
  let best: { prefix: string; schema: ZodType<Doc> } | undefined;
  for (const [pattern, schema] of Object.entries(schemas)) {
    if (!pattern.endsWith(".*")) continue;
    const prefix = pattern.slice(0, -1);
    if (name.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { prefix, schema };
  }
  return best?.schema;
}
