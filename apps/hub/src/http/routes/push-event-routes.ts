import { IdParamSchema } from "@canopy/api";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { PushStreamMessage } from "../../push/push-publisher.js";
import type { HubEnv } from "../context.js";
import { authProblems, problemResponses } from "../route-helpers.js";
import { FEED_KEEPALIVE_MS } from "./event-routes.js";

/** A client this far behind is dropped; it reconnects and starts from the current progress. */
const MAX_QUEUED_EVENTS = 1000;

const events = createRoute({
  method: "get",
  path: "/pushes/{id}/events",
  operationId: "streamPushEvents",
  tags: ["pushes", "live"],
  summary: "One push's progress as it happens (text/event-stream)",
  description:
    "Events: `progress` (`{id, state, progress}`) first and after every change, `results` (`{id, results}`: the " +
    "results that changed), and `done` (like `progress`) once nothing is pending; the stream ends after `done`. " +
    "Events are sent once what they say is on disk.",
  request: { params: IdParamSchema },
  responses: {
    200: { description: "Server-sent events", content: { "text/event-stream": { schema: z.string() } } },
    ...authProblems,
    ...problemResponses(404),
  },
});

export function pushEventRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(events, async (c) => {
    const hub = c.get("hub");
    const { pushes } = hub;
    const pushId = (await pushes.reads.require(c.req.valid("param").id)).id;
    return streamSSE(
      c,
      async (stream) => {
        const queue: (PushStreamMessage | "keepalive")[] = [];
        let wake: (() => void) | undefined;
        let done = false;
        const stop = () => {
          done = true;
          wake?.();
        };
        const enqueue = (item: PushStreamMessage | "keepalive") => {
          if (queue.length >= MAX_QUEUED_EVENTS) return stop();
          queue.push(item);
          wake?.();
        };
        // Subscribe before reading the current state, so no change falls between the two.
        const unsubscribe = pushes.publisher.stream.subscribe(({ data }) => {
          if (data.pushId === pushId) enqueue(data);
        });
        const keepalive = setInterval(() => enqueue("keepalive"), FEED_KEEPALIVE_MS);
        stream.onAbort(stop);
        hub.closing.signal.addEventListener("abort", stop, { once: true });
        if (hub.closing.signal.aborted) stop();
        try {
          // As on disk, like the events that follow (each is sent once its write is done).
          const current = await pushes.reads.progress(pushId);
          await stream.write("retry: 2000\n\n");
          await stream.writeSSE({ event: current.state === "running" ? "progress" : "done", data: JSON.stringify(current) });
          if (current.state !== "running") return;
          while (!done) {
            const item = queue.shift();
            if (item === undefined) {
              await new Promise<void>((resolve) => (wake = resolve));
              wake = undefined;
            } else if (item === "keepalive") {
              await stream.write(": keepalive\n\n");
            } else {
              await stream.writeSSE({ event: item.event, data: JSON.stringify(item.data) });
              if (item.event === "done") break;
            }
          }
        } finally {
          clearInterval(keepalive);
          unsubscribe();
          hub.closing.signal.removeEventListener("abort", stop);
        }
      },
      async (error) => {
        hub.logger.warn({ err: error }, "push event stream failed");
      },
    );
  });
}
