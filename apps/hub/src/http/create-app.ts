import { performance } from "node:perf_hooks";
import { OpenAPIHono } from "@hono/zod-openapi";
import { CONTENT_IMPORT_MAX_BYTES } from "@canopy/api";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { ProblemError, problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import { hubStatus, statusRoutes } from "./routes/status-routes.js";
import { API_DOCS_PATH, apiDocs, apiDocsHeaders } from "./api-docs.js";
import { authenticate } from "./auth.js";
import { authorize } from "./authorize.js";
import { orgImportRoutes } from "./routes/org-import-routes.js";
import { orgRoutes } from "./routes/org-routes.js";
import { roleRoutes } from "./routes/role-routes.js";
import { userRoutes } from "./routes/user-routes.js";
import type { HubEnv } from "./context.js";
import { problemResponse, toProblem } from "./problem.js";
import { routeKey } from "./route-key.js";
import { securityHeaders } from "./security-headers.js";
import { documentStoreUnavailable } from "./store-unavailable-docs.js";
import { documentMiddlewareAnswers } from "./error-answers.js";
import { agentPairRoutes } from "./routes/agent-pair-routes.js";
import { apiKeyRoutes } from "./routes/api-key-routes.js";
import { auditRoutes } from "./routes/audit-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { contentRoutes } from "./routes/content-routes.js";
import { dashboardRoutes } from "./routes/dashboard-routes.js";
import { savedSearchRoutes } from "./routes/saved-search-routes.js";
import { eventRoutes } from "./routes/event-routes.js";
import { insightRoutes } from "./routes/insight-routes.js";
import { pushRoutes } from "./routes/push-routes.js";
import { tenantActionRoutes } from "./routes/tenant-action-routes.js";
import { tenantSettingsRoutes } from "./routes/tenant-settings-routes.js";
import { tenantRoutes } from "./routes/tenant-routes.js";
import { staticUi } from "./static-ui.js";
import { drainUnreadBodies } from "./unread-body.js";

export interface HttpAppOptions {
  /** Resolves once the store and key are loaded; requests wait for it. */
  services: () => Promise<HubServices>;
  webRoot: string;
  logger: Logger;
  version: string;
  /** The origin browsers use, when not the one requests arrive at (a TLS-terminating proxy). */
  publicOrigin?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** Routes that take more than MAX_BODY_BYTES: a whole Sigma repository is ~8 MB of YAML. */
const LARGE_BODY_ROUTES: Record<string, number> = { "POST /api/v1/content/import": CONTENT_IMPORT_MAX_BYTES };

function bodyLimitFor(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ProblemError(413, "payload_too_large", `request bodies are limited to ${maxSize} bytes`);
    },
  });
}

/** 1 MiB for every request, except the few routes in LARGE_BODY_ROUTES. */
function limitBodies(): MiddlewareHandler {
  const limiters = new Map<number, MiddlewareHandler>();
  return (c, next) => {
    const maxSize = LARGE_BODY_ROUTES[routeKey(c.req.method, c.req.path)] ?? MAX_BODY_BYTES;
    let limiter = limiters.get(maxSize);
    if (!limiter) limiters.set(maxSize, (limiter = bodyLimitFor(maxSize)));
    return limiter(c, next);
  };
}

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
function createApi(logger: Logger, version: string, publicOrigin: string | undefined): OpenAPIHono<HubEnv> {
  const api = new OpenAPIHono<HubEnv>({ defaultHook });
  withProblems(api, logger);
  api.use("*", limitBodies());
  api.use("*", authenticate(publicOrigin));
  api.use("*", authorize(api, "/api/v1"));
  authRoutes(api);
  statusRoutes(api);
  apiKeyRoutes(api);
  userRoutes(api);
  roleRoutes(api);
  orgRoutes(api);
  orgImportRoutes(api);
  tenantRoutes(api);
  tenantActionRoutes(api);
  tenantSettingsRoutes(api);
  agentPairRoutes(api);
  eventRoutes(api);
  auditRoutes(api);
  contentRoutes(api);
  pushRoutes(api);
  insightRoutes(api);
  dashboardRoutes(api);
  savedSearchRoutes(api);

  documentStoreUnavailable(api);
  documentMiddlewareAnswers(api);
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

/** The whole HTTP surface: health, API and the UI. Agent links are upgraded before it (gateway/ws-transport.ts). */
export function createHttpApp(options: HttpAppOptions): OpenAPIHono<HubEnv> {
  const { logger } = options;
  const app = new OpenAPIHono<HubEnv>({ defaultHook });
  withProblems(app, logger);
  // Around the security headers: the docs page's policy and its assets' caching replace theirs.
  app.use(`${API_DOCS_PATH}/*`, apiDocsHeaders());
  // First, so every answer gets them: errors, 404s, and requests made while the hub starts.
  app.use("*", securityHeaders());
  app.use("*", drainUnreadBodies());
  app.use("*", async (c, next) => {
    c.set("hub", await options.services());
    await next();
  });
  app.use("*", requestLog(logger));
  app.get("/healthz", (c) => c.json(hubStatus(c.get("hub"))));
  app.route("/api/v1", createApi(logger, options.version, options.publicOrigin));
  app.route(API_DOCS_PATH, apiDocs());
  app.use("*", staticUi(options.webRoot));
  return app;
}
