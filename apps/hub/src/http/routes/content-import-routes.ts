import { CONTENT_IMPORT_MAX_BYTES, ContentImportJsonSchema, ContentImportResultSchema } from "@canopy/api";
import { watchForRollback } from "@canopy/store";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { importContent, type ImportInput, type ImportOutcome } from "../../content/content-import.js";
import { contentSummariesJson } from "../../content/content-views.js";
import { problems } from "../../core/problem-error.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonContent, problemResponses } from "../route-helpers.js";
import { contentHook } from "./content-hook.js";

/** Media types read as Sigma YAML (a rule, or a `---` separated stream of rules). */
export const YAML_MEDIA_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"] as const;

const yamlText = z.string().openapi({ description: "One Sigma rule, or a multi-document stream" });

const importRoute = createRoute({
  method: "post",
  path: "/content/import",
  operationId: "importContent",
  tags: ["content"],
  summary: "Import Sigma rules (YAML) and CACAO 2.0 playbooks (JSON); an existing name gets a new revision",
  description:
    `Send Sigma YAML as is (\`content-type: application/yaml\` or \`text/yaml\`), one CACAO playbook as JSON, or ` +
    "`{files: [{name, text}]}` for many (`.json` files, or text starting with `{`, are CACAO; the rest Sigma). " +
    `Bodies up to ${CONTENT_IMPORT_MAX_BYTES / (1024 * 1024)} MiB. Documents that cannot be imported are listed in \`refused\` with the reason.`,
  request: {
    body: {
      required: false,
      content: {
        "application/json": { schema: ContentImportJsonSchema },
        ...Object.fromEntries(YAML_MEDIA_TYPES.map((type) => [type, { schema: yamlText }])),
      },
    },
  },
  responses: { 201: jsonContent(ContentImportResultSchema, "What was imported, and what was refused"), ...authProblems, ...problemResponses(413, 422) },
});

function isJson(contentType: string | undefined): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType?.trim() ?? "");
}

function auditDetail(outcome: ImportOutcome): Record<string, unknown> {
  // Counts, plus the names of what changed when they are few: an import of a whole rule
  // repository should not put thousands of names into one audit entry.
  const changed = [...outcome.created.map((item) => ({ item, change: "created" })), ...outcome.updated.map((item) => ({ item, change: "updated" }))];
  return {
    created: outcome.created.length,
    updated: outcome.updated.length,
    unchanged: outcome.unchanged.length,
    refused: outcome.refused.length,
    ...(changed.length <= 50
      ? { items: changed.map(({ item, change }) => ({ kind: item.kind, name: item.name, revision: item.revision, change })) }
      : {}),
  };
}

export function contentImportRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(
    importRoute,
    async (c) => {
      const hub = c.get("hub");
      let input: ImportInput;
      if (isJson(c.req.header("content-type"))) {
        const body = c.req.valid("json");
        input = body.files !== undefined ? { type: "files", files: body.files } : { type: "cacao", document: body };
      } else {
        const text = await c.req.text();
        if (text.trim() === "") throw problems.invalid([{ path: "", message: "the body is empty: send Sigma YAML, a CACAO playbook or {files}" }]);
        input = { type: "yaml", text };
      }
      const actor = principalOf(c).actor;
      // One unit of work: every item and the audit entry, or nothing. On the embedded store the
      // import saves over many turns, and a write that fails meanwhile takes some of it back.
      const rollbacks = watchForRollback(hub.store);
      let outcome: ImportOutcome;
      try {
        outcome = await hub.data.write(async (tx) => {
          const saved = await importContent(hub.catalogue, tx.content, input, actor);
          rollbacks.check();
          if (saved.created.length + saved.updated.length + saved.unchanged.length + saved.refused.length === 0) {
            throw problems.invalid([{ path: "", message: "the import holds no documents" }]);
          }
          await tx.audit.record({ actor, action: "content.import", target: null, detail: auditDetail(saved) });
          return saved;
        });
      } finally {
        rollbacks.stop();
      }
      // One read of sync state for the whole import, then split back into its parts.
      const summaries = await contentSummariesJson([...outcome.created, ...outcome.updated, ...outcome.unchanged], hub.sync);
      const created = summaries.splice(0, outcome.created.length);
      const updated = summaries.splice(0, outcome.updated.length);
      return c.json(
        {
          created,
          updated,
          unchanged: summaries,
          refused: outcome.refused,
        },
        201,
      );
    },
    contentHook,
  );
}
