import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HubEnv } from "./context.js";
import { problemResponses } from "./route-helpers.js";

const WRITES = new Set(["post", "put", "patch", "delete"]);

/**
 * Every route that changes something may answer 503 `store_unavailable` (the disk refused the
 * write; nothing was changed): documented here once, for every write registered so far, rather
 * than in each route's own list where one would surely be forgotten.
 */
export function documentStoreUnavailable(api: OpenAPIHono<HubEnv>): void {
  const unavailable = problemResponses(503)[503];
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type !== "route" || !WRITES.has(definition.route.method)) continue;
    definition.route.responses[503] ??= unavailable;
  }
}
