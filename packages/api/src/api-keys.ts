import { z } from "@hono/zod-openapi";
import { RoleSchema } from "./auth.js";
import { API_KEY_NAME_MAX } from "./limits.js";
import { pageOf } from "./paging.js";

/** Body of `POST /api-keys` (admin). */
export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(API_KEY_NAME_MAX),
    role: RoleSchema.optional().openapi({ description: "default: operator" }),
  })
  .openapi("ApiKeyCreate");
export type ApiKeyCreate = z.input<typeof ApiKeyCreateSchema>;

/** An API key as listed: never the key itself. */
export const ApiKeySchema = z
  .object({ id: z.string(), name: z.string(), role: RoleSchema, createdBy: z.string(), createdAt: z.string() })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself; shown only in this answer." }),
}).openapi("ApiKeyCreated");
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

export const ApiKeyListSchema = pageOf(ApiKeySchema).openapi("ApiKeyList");
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;
