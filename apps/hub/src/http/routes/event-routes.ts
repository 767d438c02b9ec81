import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { BusEvent } from "../../core/event-bus.js";
import type { HubEvents } from "../../services.js";
import { feedFilter } from "../../orgs/feed-filter.js";
import { scopeOf, type HubEnv } from "../context.js";
import { authProblems } from "../route-helpers.js";

export const FEED_KEEPALIVE_MS = 15_000;
/** A client that falls this far behind is dropped; it reconnects and reloads. */
const MAX_QUEUED_EVENTS = 1000;

const events = createRoute({
  method: "get",
  path: "/events",
  operationId: "streamEvents",
  tags: ["live"],
  summary: "Live feed (text/event-stream)",
  description:
    "Events: `tenant.updated` (data: Tenant JSON) on any status, last-seen, RTT or edit change; " +
    "`tenant.deleted` (data: `{id}`). A comment line every 15 s keeps proxies from closing the stream.",
  responses: {
    200: { description: "Server-sent events", content: { "text/event-stream": { schema: z.string() } } },
    ...authProblems,
  },
});

export function eventRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(events, (c) => {
    const hub = c.get("hub");
    const visible = feedFilter(hub, scopeOf(c));
    return streamSSE(
      c,
      async (stream) => {
        const queue: (BusEvent<HubEvents> | "keepalive")[] = [];
        let wake: (() => void) | undefined;
        let done = false;
        const stop = () => {
          done = true;
          wake?.();
        };
        const enqueue = (item: BusEvent<HubEvents> | "keepalive") => {
          if (queue.length >= MAX_QUEUED_EVENTS) return stop();
          queue.push(item);
          wake?.();
        };
        const unsubscribe = hub.bus.subscribe(enqueue);
        const keepalive = setInterval(() => enqueue("keepalive"), FEED_KEEPALIVE_MS);
        stream.onAbort(stop);
        hub.closing.signal.addEventListener("abort", stop, { once: true });
        if (hub.closing.signal.aborted) stop();
        try {
          await stream.write("retry: 2000\n: connected\n\n");
          while (!done) {
            const item = queue.shift();
            if (item === undefined) {
              await new Promise<void>((resolve) => (wake = resolve));
              wake = undefined;
            } else if (item === "keepalive") {
              await stream.write(": keepalive\n\n");
            } else if (await visible(item)) {
              await stream.writeSSE({ event: item.type, data: JSON.stringify(item.data) });
            }
          }
        } finally {
          clearInterval(keepalive);
          unsubscribe();
          hub.closing.signal.removeEventListener("abort", stop);
        }
      },
      async (error) => {
        hub.logger.warn({ err: error }, "live feed stream failed");
      },
    );
  });
}
