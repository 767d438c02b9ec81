import { z } from "@hono/zod-openapi";
import { RoleSchema } from "./auth.js";
import { API_KEY_NAME_MAX } from "./limits.js";
import { RoleNamesSchema } from "./roles.js";
import { pageOf } from "./paging.js";

/** Body of `POST /api-keys`. */
export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(API_KEY_NAME_MAX),
    role: RoleSchema.optional().openapi({ description: "an earlier version's role; same as `roles: [role]`" }),
    roles: RoleNamesSchema.optional().openapi({ description: "default: the creator's roles; never stronger than the creator's" }),
  })
  .refine((body) => body.role === undefined || body.roles === undefined, { message: "give role or roles, not both" })
  .openapi("ApiKeyCreate");
export type ApiKeyCreate = z.input<typeof ApiKeyCreateSchema>;

/** An API key as listed: never the key itself. */
export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string().openapi({ description: "the first of `roles`" }),
    roles: z.array(z.string()),
    /** The user the key acts for: it stops when they are disabled, and never does more than they may. */
    userId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself; shown only in this answer." }),
}).openapi("ApiKeyCreated");
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

export const ApiKeyListSchema = pageOf(ApiKeySchema).openapi("ApiKeyList");
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;
