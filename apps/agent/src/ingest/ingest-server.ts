import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { StoreWriteError } from "@canopy/store";
import { Hono } from "hono";
import { INGEST_HOST, INGEST_PATH, ingestUrl } from "./ingest-address.js";
import { type IngestFailure, type IngestLimits, readIngestBody } from "./ingest-body.js";
import { tokenMatches } from "./ingest-token.js";
import { MAX_INSIGHT_BYTES } from "../insights/insight-doc.js";
import type { IngestResult } from "../insights/insight-store.js";
import type { AgentLogger } from "../core/logger.js";

/** Larger bodies get 413; `insights import` sends big files in chunks well below this. */
export const MAX_INGEST_BODY_BYTES = 16 * 1024 * 1024;

/**
 * What one request may make the agent do. The body is read as it arrives, NDJSON line by line,
 * so memory follows what is kept (the valid insights), not what was sent; a JSON array is parsed
 * whole, so it gets a smaller bound. The answer lists the first failures only: 4 MiB of `{}`
 * lines once made a 115 MB answer and 1.8 GB of agent memory.
 */
export const INGEST_LIMITS: IngestLimits = {
  maxBodyBytes: MAX_INGEST_BODY_BYTES,
  maxDocumentBytes: 4 * 1024 * 1024,
  // The largest insight the agent keeps, and room for the whitespace and members it drops.
  maxLineBytes: MAX_INSIGHT_BYTES + 64 * 1024,
  maxItems: 50_000,
  maxListedFailures: 100,
};
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
    async (c) => {
      const declared = Number(c.req.header("content-length") ?? 0);
      if (declared > INGEST_LIMITS.maxBodyBytes) return c.json({ error: `body larger than ${INGEST_LIMITS.maxBodyBytes} bytes; send fewer insights per request` }, 413);
      const body = await readIngestBody(c.req.raw.body, INGEST_LIMITS);
      if (!body.ok) {
        options.logger.warn({ err: body.error }, "ingest request refused");
        return c.json({ error: body.error }, 413);
      }
      const result = await options.ingest(
        body.values.map((v) => v.value),
        INGEST_SOURCE,
      );
      const refused = result.failed.map((f) => ({ index: body.values[f.index]!.index, error: f.error }));
      const failed = firstFailures(body.failed, refused, INGEST_LIMITS.maxListedFailures);
      const failedCount = body.failedCount + refused.length;
      const answer = { accepted: result.accepted, created: result.created, updated: result.updated, unchanged: result.unchanged, failed, failedCount };
      options.logger.info({ accepted: answer.accepted, created: answer.created, updated: answer.updated, failed: failedCount }, "insights ingested");
      if (answer.accepted === 0) {
        return c.json({ ...answer, error: failedCount === 0 ? "no insights in the body" : "no valid insight in the body" }, 422);
      }
      return c.json(answer, 200);
    },
  );
  app.notFound((c) => c.json({ error: `not found; POST insights to ${INGEST_PATH}` }, 404));
  app.onError((error, c) => {
    options.logger.error({ err: error.message }, "ingest request failed");
    // The disk refused the write: nothing was stored (the store rolled back), so the sender
    // may retry as is, and should hear why rather than a bare 500.
    if (error instanceof StoreWriteError) return c.json({ error: `the agent could not store these insights: ${error.reason}; nothing was stored, send them again later` }, 503);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}

/** The first `max` of two lists of failures, each in order of position, by position. */
function firstFailures(a: IngestFailure[], b: IngestFailure[], max: number): IngestFailure[] {
  const merged: IngestFailure[] = [];
  for (let i = 0, j = 0; merged.length < max && (i < a.length || j < b.length); ) {
    merged.push(j >= b.length || (i < a.length && a[i]!.index < b[j]!.index) ? a[i++]! : b[j++]!);
  }
  return merged;
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
