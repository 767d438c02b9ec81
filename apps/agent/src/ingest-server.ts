import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { INGEST_HOST, INGEST_PATH, ingestUrl } from "./ingest-address.js";
import { parseIngestBody } from "./ingest-body.js";
import { tokenMatches } from "./ingest-token.js";
import type { IngestResult } from "./insight-store.js";
import type { AgentLogger } from "./logger.js";

/** Larger bodies get 413; `insights import` sends big files in chunks well below this. */
export const MAX_INGEST_BODY_BYTES = 16 * 1024 * 1024;
/** What the source is called when a posted insight does not name one. */
export const INGEST_SOURCE = "ingest";

export interface IngestServerOptions {
  /** 0: any free port. */
  port: number;
  token: string;
  logger: AgentLogger;
  /** Stores the values (durably) and says what happened to each. */
  ingest(values: unknown[], source: string): Promise<IngestResult>;
}

export interface IngestServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** The HTTP app, apart from the socket, so it can be exercised in memory too. */
export function createIngestApp(options: Pick<IngestServerOptions, "token" | "logger" | "ingest">): Hono {
  const app = new Hono();
  app.post(
    INGEST_PATH,
    async (c, next) => {
      // Checked before the body is read: an unauthenticated client cannot make the agent buffer anything.
      const header = c.req.header("authorization") ?? "";
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !tokenMatches(options.token, match[1])) {
        options.logger.warn({ hasHeader: header.length > 0 }, "ingest request refused: missing or wrong token");
        return c.json({ error: "unauthorized: send Authorization: Bearer <token from the agent's data dir, file ingest-token>" }, 401);
      }
      await next();
    },
    bodyLimit({ maxSize: MAX_INGEST_BODY_BYTES, onError: (c) => c.json({ error: `body larger than ${MAX_INGEST_BODY_BYTES} bytes; send fewer insights per request` }, 413) }),
    async (c) => {
      const body = parseIngestBody(await c.req.text());
      const result = await options.ingest(
        body.values.map((v) => v.value),
        INGEST_SOURCE,
      );
      const failed = [...body.failed, ...result.failed.map((f) => ({ index: body.values[f.index]!.index, error: f.error }))].sort((a, b) => a.index - b.index);
      const answer = { accepted: result.accepted, created: result.created, updated: result.updated, unchanged: result.unchanged, failed };
      options.logger.info({ accepted: answer.accepted, created: answer.created, updated: answer.updated, failed: failed.length }, "insights ingested");
      if (answer.accepted === 0) {
        return c.json({ ...answer, error: failed.length === 0 ? "no insights in the body" : "no valid insight in the body" }, 422);
      }
      return c.json(answer, 200);
    },
  );
  app.notFound((c) => c.json({ error: `not found; POST insights to ${INGEST_PATH}` }, 404));
  app.onError((error, c) => {
    options.logger.error({ err: error.message }, "ingest request failed");
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}

/** Listens on 127.0.0.1 only. Rejects when the port is taken. */
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const app = createIngestApp(options);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, INGEST_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => options.logger.error({ err: error.message }, "ingest server error"));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: ingestUrl(port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
