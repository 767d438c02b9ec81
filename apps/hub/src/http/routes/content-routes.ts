import {
  ContentBodySchema,
  ContentItemListSchema,
  ContentItemParamSchema,
  ContentItemSchema,
  ContentKindParamSchema,
  ContentListQuerySchema,
  ContentRevisionListSchema,
  IdParamSchema,
} from "@canopy/api";
import { type CacaoPlaybook, exportCacao, KIND_BY_PATH } from "@canopy/content";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { contentHistory, requireContent } from "../../content/catalogue.js";
import type { ContentItemRecord } from "../../content/content-records.js";
import type { HubRepositories } from "../../domain/hub-data.js";
import { contentItemsJson, contentItemWithTenantsJson, contentRevisionJson } from "../../content/content-views.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { contentHook } from "./content-hook.js";
import { contentImportRoutes } from "./content-import-routes.js";

const tags = ["content"];

const list = createRoute({
  method: "get",
  path: "/content/{kind}",
  operationId: "listContent",
  tags,
  summary: "List items of a kind, by name; `q` searches, `level` and `tag` filter SIEM rules",
  request: { params: ContentKindParamSchema, query: ContentListQuerySchema },
  responses: { 200: jsonContent(ContentItemListSchema, "A page of items"), ...authProblems, ...problemResponses(404, 422) },
});

const create = createRoute({
  method: "post",
  path: "/content/{kind}",
  operationId: "createContent",
  tags,
  summary: "Create an item (revision 1)",
  request: { params: ContentKindParamSchema, body: jsonBody(ContentBodySchema) },
  responses: { 201: jsonContent(ContentItemSchema, "Created"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const get = createRoute({
  method: "get",
  path: "/content/{kind}/{id}",
  operationId: "getContent",
  tags,
  summary: "One item, with its sync state per tenant",
  request: { params: ContentItemParamSchema },
  responses: { 200: jsonContent(ContentItemSchema, "The item"), ...authProblems, ...problemResponses(404) },
});

const replace = createRoute({
  method: "put",
  path: "/content/{kind}/{id}",
  operationId: "replaceContent",
  tags,
  summary: "Replace an item's body: a new revision, unless the body is the same (canonical hash)",
  request: { params: ContentItemParamSchema, body: jsonBody(ContentBodySchema) },
  responses: { 200: jsonContent(ContentItemSchema, "Saved"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/content/{kind}/{id}",
  operationId: "deleteContent",
  tags,
  summary: "Delete an item; tenants that hold it have it removed (a push of removals in the history)",
  request: { params: ContentItemParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404) },
});

const revisions = createRoute({
  method: "get",
  path: "/content/{kind}/{id}/revisions",
  operationId: "listContentRevisions",
  tags,
  summary: "Every saved revision of an item, newest first",
  request: { params: ContentItemParamSchema },
  responses: { 200: jsonContent(ContentRevisionListSchema, "Revisions"), ...authProblems, ...problemResponses(404) },
});

const exportPlaybook = createRoute({
  method: "get",
  path: "/content/playbooks/{id}/export",
  operationId: "exportPlaybook",
  tags,
  summary: "Download a playbook as a CACAO 2.0 JSON file",
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The playbook (`content-disposition: attachment`)",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
    ...authProblems,
    ...problemResponses(404),
  },
});

/** A file name any system accepts, plus the exact one for clients that read `filename*`. */
export function attachmentDisposition(name: string, extension: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]+/g, "_").trim().slice(0, 120) || "download";
  return `attachment; filename="${ascii}${extension}"; filename*=UTF-8''${encodeURIComponent(name + extension)}`;
}

/** The audit entry of a change, written in the change's unit of work. */
function audit(tx: HubRepositories, c: Context<HubEnv>, action: string, item: ContentItemRecord, extra: Record<string, unknown> = {}): Promise<void> {
  return tx.audit.record({
    actor: principalOf(c).actor,
    action,
    target: `content:${item.id}`,
    detail: { kind: item.kind, name: item.name, revision: item.revision, ...extra },
  });
}

export function contentRoutes(api: OpenAPIHono<HubEnv>): void {
  // Before `/content/{kind}`, which would otherwise take `import` for a kind.
  contentImportRoutes(api);

  api.openapi(
    list,
    async (c) => {
      const hub = c.get("hub");
      const page = await hub.data.content.page(KIND_BY_PATH[c.req.valid("param").kind], c.req.valid("query"));
      return c.json({ items: await contentItemsJson(page.items, hub.sync), nextCursor: page.nextCursor }, 200);
    },
    contentHook,
  );

  api.openapi(
    create,
    async (c) => {
      const hub = c.get("hub");
      const item = await hub.data.write(async (tx) => {
        const created = await hub.catalogue.create(tx.content, KIND_BY_PATH[c.req.valid("param").kind], c.req.valid("json"), principalOf(c).actor);
        await audit(tx, c, "content.create", created);
        return created;
      });
      return c.json((await contentItemsJson([item], hub.sync))[0]!, 201);
    },
    contentHook,
  );

  api.openapi(
    get,
    async (c) => {
      const hub = c.get("hub");
      const { kind, id } = c.req.valid("param");
      return c.json(await contentItemWithTenantsJson(await requireContent(hub.data.content, KIND_BY_PATH[kind], id), hub.sync), 200);
    },
    contentHook,
  );

  api.openapi(
    replace,
    async (c) => {
      const hub = c.get("hub");
      const { kind, id } = c.req.valid("param");
      const item = await hub.data.write(async (tx) => {
        const { item: saved, before, outcome } = await hub.catalogue.update(tx.content, KIND_BY_PATH[kind], id, c.req.valid("json"), principalOf(c).actor);
        if (outcome === "updated") await audit(tx, c, "content.update", saved, saved.name === before.name ? {} : { renamedFrom: before.name });
        return saved;
      });
      return c.json((await contentItemsJson([item], hub.sync))[0]!, 200);
    },
    contentHook,
  );

  api.openapi(
    remove,
    async (c) => {
      const hub = c.get("hub");
      const { kind, id } = c.req.valid("param");
      await requireContent(hub.data.content, KIND_BY_PATH[kind], id);
      // What tenants hold of it goes too, in a push of removals, made durable first: should the
      // delete then fail, the item is still in the catalogue, visibly at no tenant, and deleting
      // again finishes the job. The other order could leave it at the tenants with nothing left in
      // the catalogue to show it or withdraw it.
      await hub.pushes.withdraw(id, principalOf(c).actor, scopeOf(c));
      await hub.data.write(async (tx) => {
        const removed = await hub.catalogue.remove(tx.content, KIND_BY_PATH[kind], id);
        await audit(tx, c, "content.delete", removed);
      });
      return c.body(null, 204);
    },
    contentHook,
  );

  api.openapi(
    revisions,
    async (c) => {
      const { kind, id } = c.req.valid("param");
      const items = (await contentHistory(c.get("hub").data.content, KIND_BY_PATH[kind], id)).map(contentRevisionJson);
      return c.json({ items, nextCursor: null }, 200);
    },
    contentHook,
  );

  api.openapi(exportPlaybook, async (c) => {
    const item = await requireContent(c.get("hub").data.content, "playbook", c.req.valid("param").id);
    // The file as exportCacao writes it (indented, members in order), not c.json's compact form;
    // the route's typing only knows c.json answers, hence the cast.
    const file = c.body(exportCacao(item.body as CacaoPlaybook), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": attachmentDisposition(item.name, ".json"),
    });
    return file as never;
  });
}
