import { ID_MAX, ROOT_ORG_ID } from "@canopy/api";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { problems } from "../core/problem-error.js";
import { currentRequest } from "../core/request-context.js";
import { idInScope } from "../orgs/id-owners.js";
import { inScope, scopeOf } from "../orgs/org-scope.js";
import type { HubEnv, Principal } from "./context.js";
import { ID_OWNERS, INTO_TENANT, missingPermissions, permissionsOfAccess, ROOT_PERMISSIONS, ROUTE_ACCESS } from "./route-access.js";
import { refuseClosedTenant, tenantOfId } from "../orgs/closed-tenants.js";

/** `/tenants/{id}` as Hono registers it: `/tenants/:id`. */
const honoPath = (path: string): string => path.replace(/\{([^}]+)\}/g, ":$1");

/** Names the organization to work in, within the caller's own scope (the UI's account menu sends it). */
export const ORG_HEADER = "canopy-org";

/**
 * Checks every API request against `ROUTE_ACCESS` and `ID_OWNERS`, by the operation it reached:
 * one guard for all routes, so no handler decides (or forgets) who may call it. A signed-in
 * caller gets the scope they work in (their organization's subtree, or the part of it they
 * switched to); an id outside it answers 404, as an id that does not exist does, so a child
 * MSP's staff never learn a sibling exists. Registered before the routes; the operations are
 * read from the API's registry on the first request, once all are there. A request that
 * reaches no operation goes on to its 404.
 */
export function authorize(api: OpenAPIHono<HubEnv>, basePath: string): MiddlewareHandler<HubEnv> {
  let operations: Map<string, string> | undefined;
  const operationOf = (c: Context<HubEnv>): { operationId: string; routePath: string } | undefined => {
    operations ??= operationsOf(api, basePath);
    // The first route that answers, as Hono tries them in order (`/content/import` before `/content/{kind}`).
    for (const route of matchedRoutes(c)) {
      const operationId = operations.get(`${route.method} ${route.path}`);
      if (operationId !== undefined) return { operationId, routePath: route.path };
    }
    return undefined;
  };
  return async (c, next) => {
    const matched = operationOf(c);
    if (matched === undefined) return next();
    const { operationId } = matched;
    const access = ROUTE_ACCESS[operationId];
    // The OpenAPI document test keeps this from happening; refusing is the safe way to fail.
    if (access === undefined) throw problems.forbidden(`no one may call ${operationId} yet`);
    if (access === "public") return next();
    const principal = c.get("principal");
    if (!principal) throw problems.unauthorized();
    const missing = missingPermissions(access, principal.permissions);
    if (missing.length > 0) {
      throw problems.forbidden(`this needs the ${missing.join(" and ")} permission${missing.length > 1 ? "s" : ""}, which your roles (${principal.roles.join(", ") || "none"}) do not give`);
    }
    if (permissionsOfAccess(access).some((permission) => ROOT_PERMISSIONS.has(permission)) && principal.orgId !== ROOT_ORG_ID) {
      throw problems.forbidden("the content catalogue is the MSSP's: only its own staff change it; your organization pushes its items to your customers");
    }
    const hub = c.get("hub");
    const scope = await scopeOf(hub.data.tenants, await workingOrg(c, principal));
    c.set("scope", scope);
    const request = currentRequest();
    if (request) request.orgId = scope.orgId;
    const owner = ID_OWNERS[operationId];
    // A middleware sees no route's params yet: the id is read from the path by the route's pattern.
    const id = pathParam(matched.routePath, c.req.path, "id");
    // An over-long id goes on to the request's own validation (422).
    if (owner !== undefined && id !== undefined && id.length <= ID_MAX && !(await idInScope(hub, scope, owner, id))) {
      throw problems.notFound(`${owner} ${id}`);
    }
    if (INTO_TENANT.has(operationId) && id !== undefined) await refuseClosedTenant(hub, principal.orgId, [tenantOfId(owner, id)]);
    return next();
  };
}

/** The organization the caller asked to work in (`canopy-org`), if it is theirs to see; else their own. */
async function workingOrg(c: Context<HubEnv>, principal: Principal): Promise<string> {
  // A header from the UI's API client; `?org=` where a header cannot be set (the live feed's EventSource).
  const wanted = (c.req.header(ORG_HEADER) ?? c.req.query("org"))?.trim();
  if (!wanted || wanted === principal.orgId) return principal.orgId;
  const own = await scopeOf(c.get("hub").data.tenants, principal.orgId);
  // Unknown and out of reach read the same: a sibling's id is not confirmed by a different answer.
  // A child's scope holds only organizations that exist; the root's holds everything, so ask the store.
  const reachable = wanted === ROOT_ORG_ID ? own.orgIds === null : own.orgIds !== null ? inScope(own, wanted) : (await c.get("hub").data.tenants.get(wanted)) !== undefined;
  if (wanted.length > ID_MAX || !reachable) {
    throw problems.notFound(`organization ${wanted.slice(0, ID_MAX)}: the account menu (GET /orgs/tree) lists the organizations you can work in`);
  }
  return wanted;
}

/** `name`'s segment of `path` by the route pattern (`/api/v1/tenants/:id`), decoded; undefined when the pattern has none. */
export function pathParam(pattern: string, path: string, name: string): string | undefined {
  const at = pattern.split("/").indexOf(`:${name}`);
  if (at < 0) return undefined;
  const segment = path.split("/")[at];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function operationsOf(api: OpenAPIHono<HubEnv>, basePath: string): Map<string, string> {
  const operations = new Map<string, string>();
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type !== "route" || definition.route.operationId === undefined) continue;
    const { method, path, operationId } = definition.route;
    operations.set(`${method.toUpperCase()} ${basePath}${honoPath(path)}`, operationId);
  }
  return operations;
}
