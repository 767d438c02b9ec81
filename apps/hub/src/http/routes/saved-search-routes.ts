import { IdParamSchema, SavedSearchCreateSchema, SavedSearchListSchema, SavedSearchPutSchema, SavedSearchSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HubRepositories } from "../../domain/hub-data.js";
import { savedSearchJson, type SavedSearchRecord } from "../../saved-searches/saved-searches.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { SHARED_OBJECTS_LISTED_MAX, sharedByLabels, sharingOrgsOf } from "../shared-objects.js";
import { makerOf } from "./dashboard-owner.js";

// Saved searches are personal, as dashboards are (every signed-in user keeps their own); shared
// ones are read, never changed, by the users their organization shares objects with.

const list = createRoute({
  method: "get",
  path: "/saved-searches",
  operationId: "listSavedSearches",
  tags: ["saved-searches"],
  summary: "Your saved insights searches, then the ones shared with you, read-only",
  responses: { 200: jsonContent(SavedSearchListSchema, "Your searches, oldest first, then those shared with you"), ...authProblems },
});

const create = createRoute({
  method: "post",
  path: "/saved-searches",
  operationId: "createSavedSearch",
  tags: ["saved-searches"],
  summary: "Save an insights list filter under a name",
  request: { body: jsonBody(SavedSearchCreateSchema) },
  responses: { 201: jsonContent(SavedSearchSchema, "Saved"), ...authProblems, ...problemResponses(409, 422) },
});

const replace = createRoute({
  method: "put",
  path: "/saved-searches/{id}",
  operationId: "replaceSavedSearch",
  tags: ["saved-searches"],
  summary: "Change one of your saved searches: its name, filter and whether it is shared",
  request: { params: IdParamSchema, body: jsonBody(SavedSearchPutSchema) },
  responses: { 200: jsonContent(SavedSearchSchema, "Saved"), ...authProblems, ...problemResponses(404, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/saved-searches/{id}",
  operationId: "deleteSavedSearch",
  tags: ["saved-searches"],
  summary: "Delete one of your saved searches",
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404) },
});

function audit(c: Context<HubEnv>, tx: HubRepositories, action: string, record: SavedSearchRecord): Promise<void> {
  return tx.audit.record({
    actor: principalOf(c).actor,
    action,
    target: `saved-search:${record.id}`,
    // The query is bounded (SAVED_SEARCH_QUERY_MAX) and checked; the name is at most 100 characters.
    detail: { name: record.name, query: record.query, shared: record.shared },
  });
}

export function savedSearchRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    const maker = makerOf(c);
    const own = await hub.data.savedSearches.list(maker.ownerId);
    const shared = (await hub.data.savedSearches.listShared(await sharingOrgsOf(c), SHARED_OBJECTS_LISTED_MAX)).filter((s) => s.ownerId !== maker.ownerId);
    const sharedBy = await sharedByLabels(c, maker.ownerId, shared);
    return c.json({ items: [...own, ...shared].map((s) => savedSearchJson(s, sharedBy(s))) }, 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const body = c.req.valid("json");
    const record = await hub.data.write(async (tx) => {
      const made = await hub.savedSearches.create(tx.savedSearches, makerOf(c), body);
      await audit(c, tx, "saved-search.create", made);
      return made;
    });
    return c.json(savedSearchJson(record, null), 201);
  });

  api.openapi(replace, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const record = await hub.data.write(async (tx) => {
      const replaced = await hub.savedSearches.replace(tx.savedSearches, makerOf(c).ownerId, id, c.req.valid("json"));
      await audit(c, tx, "saved-search.update", replaced);
      return replaced;
    });
    return c.json(savedSearchJson(record, null), 200);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    await hub.data.write(async (tx) => {
      const record = await hub.savedSearches.remove(tx.savedSearches, makerOf(c).ownerId, c.req.valid("param").id);
      await audit(c, tx, "saved-search.delete", record);
    });
    return c.body(null, 204);
  });
}
