import { ROOT_ORG_ID } from "@canopy/api";
import { AGENT_PAIR_PATH } from "@canopy/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { problems } from "../core/problem-error.js";
import { resolveApiKey } from "../domain/api-keys.js";
import { resolveSession } from "../domain/sessions.js";
import { usableRoles } from "../domain/usable-roles.js";
import { keyPermissions, orgOfUser, rolesOfKey, rolesOfUser, userPermissions } from "../domain/user-roles.js";
import { withRequestContext } from "../core/request-context.js";
import { clientAddress, type HubEnv, type Principal } from "./context.js";
import { routeKey } from "./route-key.js";
import { isSameOrigin } from "./same-origin.js";

export const SESSION_COOKIE = "canopy_session";

/** Routes anyone may call; everything else under /api/v1 needs a session or an API key. */
const PUBLIC_ROUTES = new Set([
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  "POST /api/v1/auth/accept",
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
    const owner = key?.userId === undefined ? undefined : await hub.data.users.get(key.userId);
    // A wrong key is an error even on public routes: the caller meant to authenticate. A key
    // whose user is gone or disabled stops with them.
    if (!key || (key.userId !== undefined && (!owner || owner.disabled))) throw problems.unauthorized("the API key is not valid");
    hub.keyUse.touch(key);
    const roles = rolesOfKey(key);
    const orgId = owner ? orgOfUser(owner) : ROOT_ORG_ID;
    return {
      kind: "apiKey",
      roles,
      // Custom roles mean what the key's organization (its user's) and those above it defined.
      permissions: keyPermissions(key, owner, await usableRoles(hub.data, orgId, [...roles, ...(owner ? rolesOfUser(owner) : [])])),
      orgId,
      actor: `api-key:${key.name}`,
      keyId: key.id,
      name: key.name,
      userId: key.userId ?? null,
    };
  }
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await resolveSession(hub.data.sessions, token, hub.clock) : undefined;
  const user = session ? await hub.data.users.get(session.userId) : undefined;
  // A disabled user's sessions stop at once (they are also deleted, but this does not wait for it).
  if (!token || !user || user.disabled) return undefined;
  const roles = rolesOfUser(user);
  return {
    kind: "session",
    roles,
    permissions: userPermissions(user, await usableRoles(hub.data, orgOfUser(user), roles)),
    orgId: orgOfUser(user),
    actor: user.email,
    userId: user.id,
    email: user.email,
    token,
  };
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
    c.set("linkOrigin", publicOrigin ?? new URL(c.req.url).origin);
    if (!principal && !isPublicRoute(c.req.method, c.req.path)) throw problems.unauthorized();
    if (!SAFE_METHODS.has(c.req.method) && principal?.kind !== "apiKey" && !isSameOrigin(c, publicOrigin)) {
      throw problems.forbidden("cross-site request refused (Origin or Sec-Fetch-Site does not match this hub)");
    }
    // The audit finds the caller's address and organization here, wherever a change is recorded.
    await withRequestContext({ address: clientAddress(c), orgId: principal?.orgId }, next);
  };
}
