import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HubEnv } from "./context.js";
import { problemResponses } from "./route-helpers.js";

const SAFE = new Set(["get", "head", "options"]);

function problem(status: 400 | 401 | 403 | 413 | 422, description: string) {
  return { ...problemResponses(status)[status], description };
}

/**
 * What the API's middleware answers before a route's handler runs (`create-app.ts`, `auth.ts`),
 * documented here once for every route registered so far: a route's own `responses` list what
 * its handler answers, and a middleware answer added to one route would surely be forgotten on
 * the next. Only what is missing is added, so a route's own description wins.
 */
export function documentMiddlewareAnswers(api: OpenAPIHono<HubEnv>): void {
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const { route } = definition;
    const { responses } = route;
    const bodyTypes = Object.keys(route.request?.body?.content ?? {});
    // Even a public route refuses a bearer key that is not valid: the caller meant to authenticate.
    responses[401] ??= problem(401, route.security?.length === 0 ? "An `Authorization: Bearer` key was sent and is not valid" : "Not authenticated");
    // A browser's write from another site is refused, whatever the route.
    if (!SAFE.has(route.method)) responses[403] ??= problem(403, "Cross-site request refused");
    if (bodyTypes.length > 0 || route.request?.params || route.request?.query) responses[422] ??= problem(422, "Invalid request (field details in `errors`)");
    if (bodyTypes.some((type) => /json/i.test(type))) responses[400] ??= problem(400, "Malformed JSON body");
    // Only where a body is declared: elsewhere no client sends one, and every answer would list it.
    if (bodyTypes.length > 0) responses[413] ??= problem(413, "Body too large");
  }
}
