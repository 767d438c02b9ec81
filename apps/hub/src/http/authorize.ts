import { permissionsOf } from "@canopy/api";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { problems } from "../core/problem-error.js";
import type { HubEnv } from "./context.js";
import { ROUTE_ACCESS } from "./route-access.js";

/** `/tenants/{id}` as Hono registers it: `/tenants/:id`. */
const honoPath = (path: string): string => path.replace(/\{([^}]+)\}/g, ":$1");

/**
 * Checks every API request against `ROUTE_ACCESS`, by the operation it reached: one guard for
 * all routes, so no handler decides (or forgets) who may call it. Registered before the routes;
 * the operations are read from the API's registry on the first request, once all are there.
 * A request that reaches no operation goes on to its 404.
 */
export function authorize(api: OpenAPIHono<HubEnv>, basePath: string): MiddlewareHandler<HubEnv> {
  let operations: Map<string, string> | undefined;
  const operationOf = (c: Context<HubEnv>): string | undefined => {
    operations ??= operationsOf(api, basePath);
    // The first route that answers, as Hono tries them in order (`/content/import` before `/content/{kind}`).
    for (const route of matchedRoutes(c)) {
      const operationId = operations.get(`${route.method} ${route.path}`);
      if (operationId !== undefined) return operationId;
    }
    return undefined;
  };
  return async (c, next) => {
    const operationId = operationOf(c);
    if (operationId === undefined) return next();
    const access = ROUTE_ACCESS[operationId];
    // The OpenAPI document test keeps this from happening; refusing is the safe way to fail.
    if (access === undefined) throw problems.forbidden(`no one may call ${operationId} yet`);
    if (access === "public") return next();
    const principal = c.get("principal");
    if (!principal) throw problems.unauthorized();
    if (access !== "signed-in" && !permissionsOf([principal.role]).has(access)) {
      throw problems.forbidden(`this needs the ${access} permission, which your role (${principal.role}) does not give`);
    }
    return next();
  };
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
