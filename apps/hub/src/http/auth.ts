import { AGENT_PAIR_PATH } from "@canopy/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { problems } from "../core/problem-error.js";
import { resolveApiKey } from "../domain/api-keys.js";
import { resolveSession } from "../domain/sessions.js";
import type { HubEnv, Principal } from "./context.js";
import { routeKey } from "./route-key.js";
import { isSameOrigin } from "./same-origin.js";

export const SESSION_COOKIE = "canopy_session";

/** Routes anyone may call; everything else under /api/v1 needs a session or an API key. */
const PUBLIC_ROUTES = new Set([
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  `POST ${AGENT_PAIR_PATH}`,
  "GET /api/v1/openapi.json",
]);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isPublicRoute(method: string, path: string): boolean {
  return PUBLIC_ROUTES.has(routeKey(method, path));
}

async function resolvePrincipal(c: Context<HubEnv>): Promise<Principal | undefined> {
  const hub = c.get("hub");
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match ? await resolveApiKey(hub.data.apiKeys, match[1]!) : undefined;
    // A wrong key is an error even on public routes: the caller meant to authenticate.
    if (!key) throw problems.unauthorized("the API key is not valid");
    return { kind: "apiKey", role: key.role, actor: `api-key:${key.name}`, keyId: key.id, name: key.name };
  }
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await resolveSession(hub.data.sessions, token, hub.clock) : undefined;
  const user = session ? await hub.data.users.get(session.userId) : undefined;
  if (!token || !user) return undefined;
  return { kind: "session", role: user.role, actor: user.email, userId: user.id, email: user.email, token };
}

/**
 * Resolves the caller for every /api/v1 request, refuses anonymous calls to non-public routes,
 * and refuses cross-site writes from browsers (a cookie rides along on those by itself; a
 * bearer key does not, so key-authenticated calls skip the origin check). `publicOrigin` is the
 * origin browsers use when it differs from the one the hub sees (a TLS-terminating proxy).
 */
export function authenticate(publicOrigin: string | undefined): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const principal = await resolvePrincipal(c);
    c.set("principal", principal);
    if (!principal && !isPublicRoute(c.req.method, c.req.path)) throw problems.unauthorized();
    if (!SAFE_METHODS.has(c.req.method) && principal?.kind !== "apiKey" && !isSameOrigin(c, publicOrigin)) {
      throw problems.forbidden("cross-site request refused (Origin or Sec-Fetch-Site does not match this hub)");
    }
    await next();
  };
}
