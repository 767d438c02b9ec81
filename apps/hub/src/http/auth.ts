import type { Role } from "@canopy/api";
import { AGENT_PAIR_PATH } from "@canopy/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { problems } from "../core/problem-error.js";
import type { HubEnv, Principal } from "./context.js";
import { routeKey } from "./route-key.js";

export const SESSION_COOKIE = "canopy_session";

/** Routes anyone may call; everything else under /api/v1 needs a session or an API key. */
const PUBLIC_ROUTES = new Set([
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  `POST ${AGENT_PAIR_PATH}`,
  "GET /api/v1/openapi.json",
]);

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isPublicRoute(method: string, path: string): boolean {
  return PUBLIC_ROUTES.has(routeKey(method, path));
}

/**
 * Same-origin check for browser requests. Browsers always send `Sec-Fetch-Site` or `Origin` on
 * cross-site writes, so a request with neither is not a browser acting for a victim. (Hono's
 * `csrf()` only checks form content types; this checks every write.)
 */
export function isSameOrigin(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (c.req.header("host") ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

function resolvePrincipal(c: Context<HubEnv>): Principal | undefined {
  const hub = c.get("hub");
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match ? hub.apiKeys.resolve(match[1]!) : undefined;
    // A wrong key is an error even on public routes: the caller meant to authenticate.
    if (!key) throw problems.unauthorized("the API key is not valid");
    return { kind: "apiKey", role: key.role, actor: `api-key:${key.name}`, keyId: key.id, name: key.name };
  }
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? hub.sessions.resolve(token) : undefined;
  const user = session ? hub.users.get(session.userId) : undefined;
  if (!token || !user) return undefined;
  return { kind: "session", role: user.role, actor: user.email, userId: user.id, email: user.email, token };
}

/**
 * Resolves the caller for every /api/v1 request, refuses anonymous calls to non-public routes,
 * and refuses cross-site writes from browsers (a cookie rides along on those by itself; a
 * bearer key does not, so key-authenticated calls skip the origin check).
 */
export const authenticate: MiddlewareHandler<HubEnv> = async (c, next) => {
  const principal = resolvePrincipal(c);
  c.set("principal", principal);
  if (!principal && !isPublicRoute(c.req.method, c.req.path)) throw problems.unauthorized();
  if (!SAFE_METHODS.has(c.req.method) && principal?.kind !== "apiKey" && !isSameOrigin(c)) {
    throw problems.forbidden("cross-site request refused (Origin does not match this hub)");
  }
  await next();
};

/** Route guard: the caller's role must be at least `minimum`. */
export function requireRole(minimum: Role): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw problems.unauthorized();
    if (rank[principal.role] < rank[minimum]) throw problems.forbidden(`this needs the ${minimum} role; you are ${principal.role}`);
    await next();
  };
}
