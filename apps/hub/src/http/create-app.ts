import { performance } from "node:perf_hooks";
import { OpenAPIHono } from "@hono/zod-openapi";
import { AGENT_CONNECT_PATH } from "@canopy/protocol";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { ProblemError, problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import { authenticate } from "./auth.js";
import type { HubEnv } from "./context.js";
import { problemResponse, toProblem } from "./problem.js";
import { agentPairRoutes } from "./routes/agent-pair-routes.js";
import { apiKeyRoutes } from "./routes/api-key-routes.js";
import { auditRoutes } from "./routes/audit-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { eventRoutes } from "./routes/event-routes.js";
import { tenantActionRoutes } from "./routes/tenant-action-routes.js";
import { tenantRoutes } from "./routes/tenant-routes.js";
import { staticUi } from "./static-ui.js";

export interface HttpAppOptions {
  /** Resolves once the store and key are loaded; requests wait for it. */
  services: () => Promise<HubServices>;
  /** Handler that upgrades agent connections (resolved with the services). */
  agentUpgrade: () => Promise<MiddlewareHandler>;
  webRoot: string;
  logger: Logger;
  version: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

const defaultHook = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => {
  if (!result.success && result.error) {
    throw problems.invalid(result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })));
  }
};

function withProblems(app: OpenAPIHono<HubEnv>, logger: Logger): void {
  app.onError((error, c) => problemResponse(c, toProblem(error, logger)));
  app.notFound((c) => problemResponse(c, problems.notFound(`${c.req.method} ${c.req.path}`)));
}

/** The REST API under /api/v1, with its OpenAPI document. */
function createApi(logger: Logger, version: string): OpenAPIHono<HubEnv> {
  const api = new OpenAPIHono<HubEnv>({ defaultHook });
  withProblems(api, logger);
  api.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ProblemError(413, "payload_too_large", `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  api.use("*", authenticate);
  authRoutes(api);
  apiKeyRoutes(api);
  tenantRoutes(api);
  tenantActionRoutes(api);
  agentPairRoutes(api);
  eventRoutes(api);
  auditRoutes(api);

  api.openAPIRegistry.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: "canopy_session" });
  api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer" });
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Canopy hub API", version, description: "Errors are application/problem+json (RFC 9457) with a `code` member." },
    servers: [{ url: "/api/v1" }],
    security: [{ session: [] }, { apiKey: [] }],
  });
  return api;
}

function requestLog(logger: Logger): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const entry = { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) };
    if (c.res.status >= 500) logger.error(entry, "request failed");
    else if (c.req.method === "GET" || c.req.method === "HEAD") logger.debug(entry, "request");
    else logger.info(entry, "request");
  };
}

/** The whole HTTP surface: health, API, agent upgrade, and the UI. */
export function createHttpApp(options: HttpAppOptions): OpenAPIHono<HubEnv> {
  const { logger } = options;
  const app = new OpenAPIHono<HubEnv>({ defaultHook });
  withProblems(app, logger);
  app.use("*", async (c, next) => {
    c.set("hub", await options.services());
    await next();
  });
  app.use("*", requestLog(logger));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get(AGENT_CONNECT_PATH, async (c, next) => (await options.agentUpgrade())(c, next));
  app.route("/api/v1", createApi(logger, options.version));
  app.use("*", staticUi(options.webRoot));
  return app;
}
