import { z } from "@hono/zod-openapi";
import { InsightListQuerySchema } from "./insights.js";
import { sharingFields } from "./shared-objects.js";

export const SAVED_SEARCH_NAME_MAX = 100;
/** Long enough for every filter of the insights list at once; short enough to keep anyone from filling the store. */
export const SAVED_SEARCH_QUERY_MAX = 2000;
/** Enough for anyone's searches; keeps one user from filling the store. */
export const SAVED_SEARCHES_PER_USER_MAX = 100;

/**
 * `?a=1&b=2,3` as GET /insights reads it: repeated keys become lists. A leading `?` is allowed.
 */
export function insightQueryParams(query: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query.startsWith("?") ? query.slice(1) : query)) {
    const held = params[key];
    params[key] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  }
  return params;
}

/** An insights list query string (no leading `?`): what `GET /insights` accepts, or a refusal naming the field. */
export const InsightQueryStringSchema = z
  .string()
  .trim()
  .max(SAVED_SEARCH_QUERY_MAX)
  .transform((query) => (query.startsWith("?") ? query.slice(1) : query))
  .superRefine((query, ctx) => {
    const parsed = InsightListQuerySchema.safeParse(insightQueryParams(query));
    if (parsed.success) return;
    for (const issue of parsed.error.issues.slice(0, 5)) {
      ctx.addIssue({ code: "custom", message: `${issue.path.join(".") || "query"}: ${issue.message}` });
    }
  })
  .openapi({ example: "status=new,acknowledged&severity=high", description: "The insights list's query string, as GET /insights takes it" });

/** A named insights filter: opening it shows `/insights?<query>`. */
export const SavedSearchSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    query: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    ...sharingFields,
  })
  .openapi("SavedSearch");
export type SavedSearch = z.infer<typeof SavedSearchSchema>;

/** `GET /saved-searches`: the caller's own, oldest first, then the ones shared with them. */
export const SavedSearchListSchema = z.object({ items: z.array(SavedSearchSchema) }).openapi("SavedSearchList");
export type SavedSearchList = z.infer<typeof SavedSearchListSchema>;

const name = z.string().trim().min(1, "must not be empty").max(SAVED_SEARCH_NAME_MAX);

/** Body of `POST /saved-searches`. */
export const SavedSearchCreateSchema = z
  .strictObject({ name, query: InsightQueryStringSchema, shared: z.boolean().default(false) })
  .openapi("SavedSearchCreate");
export type SavedSearchCreate = z.input<typeof SavedSearchCreateSchema>;

/** Body of `PUT /saved-searches/{id}`: the whole search. */
export const SavedSearchPutSchema = z.strictObject({ name, query: InsightQueryStringSchema, shared: z.boolean() }).openapi("SavedSearchPut");
export type SavedSearchPut = z.input<typeof SavedSearchPutSchema>;
