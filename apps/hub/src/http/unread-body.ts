import { CONTENT_IMPORT_MAX_BYTES } from "@canopy/api";
import type { MiddlewareHandler } from "hono";
import type { HubEnv } from "./context.js";

/** The most an answer given early reads and discards of a body: the largest limit, and a little more. */
const DRAIN_MAX_BYTES = CONTENT_IMPORT_MAX_BYTES + 1024 * 1024;
/** How long it waits for the rest of the body. */
const DRAIN_MS = 5000;

/** Reads and discards `body`; true once it ended within the bounds, false when it would not. */
async function discard(body: ReadableStream<Uint8Array>): Promise<boolean> {
  const reader = body.getReader();
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_MS)));
  const read = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        bytes += value.byteLength;
        if (bytes > DRAIN_MAX_BYTES) return false;
      }
    } catch {
      return false;
    }
  })();
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An answer given without reading the request's body (413, a 401/403 before the route, a route
 * that ignores it) first reads and discards that body, within bounds, so the client finishes
 * sending, reads the answer, and can use the connection again. Otherwise the server drains it
 * only for a moment and then tears the socket down: a client told it could keep the connection
 * sent its next request into a dead socket ("socket hang up"), and a client still sending a
 * large body lost the answer itself (EPIPE). A body past the bounds closes the connection.
 */
export function drainUnreadBodies(): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    await next();
    const length = Number(c.req.header("content-length") ?? 0);
    if (!(length > 0 || c.req.header("transfer-encoding") !== undefined)) return;
    const request = c.req.raw;
    if (request.bodyUsed) {
      // Read part way (a stream cut off at the limit): what follows cannot be told from a next request.
      if (c.res.status === 413) c.header("Connection", "close");
      return;
    }
    if (length > DRAIN_MAX_BYTES || !request.body || !(await discard(request.body))) c.header("Connection", "close");
  };
}
