import { z } from "@hono/zod-openapi";
import { ROLES } from "../domain/records.js";
import { MAX_PAIRING_TTL_SECONDS } from "../domain/pairing-codes.js";

/** The JSON shapes of the HTTP API, once: validation, types and the OpenAPI document. */

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "invalid_request" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors (422 only)" }),
  })
  .openapi("Problem");

export const RoleSchema = z.enum(ROLES).openapi("Role");

export const UserSchema = z
  .object({ id: z.string(), email: z.string(), role: RoleSchema })
  .openapi("User");

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable().openapi({ description: "null for API keys" }),
    role: RoleSchema,
    kind: z.enum(["user", "apiKey"]),
  })
  .openapi("Me");

export const LoginBodySchema = z.object({
  email: z.string().trim().min(1).max(254).openapi({ example: "admin@canopy.local" }),
  password: z.string().min(1).max(1024),
});

const name = z.string().trim().min(1, "must not be empty").max(100);
const description = z.string().max(2000);
const tags = z.array(z.string().trim().min(1, "must not be empty").max(64)).max(32);

export const TenantStatusSchema = z.enum(["unpaired", "online", "offline"]).openapi("TenantStatus");

export const TenantSchema = z
  .object({
    id: z.string().openapi({ example: "tnt_Xo2fL9aQk3VbR1sd" }),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    parentId: z.string().nullable(),
    status: TenantStatusSchema,
    lastSeenAt: z.string().nullable().openapi({ format: "date-time" }),
    agentVersion: z.string().nullable(),
    rttMs: z.number().nullable(),
    hostname: z.string().nullable(),
    pairedAt: z.string().nullable().openapi({ format: "date-time" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Tenant");

export const TenantListSchema = z
  .object({ items: z.array(TenantSchema), nextCursor: z.string().nullable() })
  .openapi("TenantList");

export const TenantCreateSchema = z
  .object({
    name,
    description: description.optional(),
    parentId: z.string().min(1).nullable().optional(),
    tags: tags.optional(),
  })
  .openapi("TenantCreate");

export const TenantPatchSchema = z
  .object({ name: name.optional(), description: description.optional(), tags: tags.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined || body.tags !== undefined, {
    message: "give at least one of name, description, tags",
  })
  .openapi("TenantPatch");

const limit = z.coerce.number().int().min(1).max(200).default(50);

export const TenantListQuerySchema = z.object({
  limit,
  cursor: z.string().min(1).optional(),
  q: z.string().max(200).optional(),
  status: TenantStatusSchema.optional(),
  tag: z.string().max(64).optional(),
});

export const IdParamSchema = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }),
});

export const PairingCodeCreateSchema = z
  .object({ ttlSeconds: z.number().int().min(1).max(MAX_PAIRING_TTL_SECONDS).optional() })
  .openapi("PairingCodeCreate");

export const PairingCodeSchema = z
  .object({
    code: z.string().openapi({ example: "ABCD-EFGH" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
    command: z.string().openapi({ example: "canopy-agent pair --hub https://hub.example --code ABCD-EFGH" }),
  })
  .openapi("PairingCode");

export const PingResultSchema = z.object({ rttMs: z.number(), agentVersion: z.string() }).openapi("PingResult");

const HeldItemSchema = z.object({ kind: z.string(), name: z.string(), revision: z.number().int(), hash: z.string() });

export const SystemInfoSchema = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    osRelease: z.string(),
    agentVersion: z.string(),
    nodeVersion: z.string(),
    pid: z.number().int(),
    startedAt: z.string().openapi({ format: "date-time" }),
    uptimeSec: z.number(),
    connectedSince: z.string().nullable().openapi({ format: "date-time" }),
    memoryRssBytes: z.number(),
    holds: z.object({
      content: z.array(HeldItemSchema),
      insights: z.object({ count: z.number().int() }),
    }),
  })
  .openapi("SystemInfo");

export const ConnectResultSchema = z
  .object({ tenantId: z.string(), fetchedAt: z.string().openapi({ format: "date-time" }), info: SystemInfoSchema })
  .openapi("ConnectResult");

export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: RoleSchema.optional().openapi({ description: "default: operator" }),
  })
  .openapi("ApiKeyCreate");

export const ApiKeySchema = z
  .object({ id: z.string(), name: z.string(), role: RoleSchema, createdBy: z.string(), createdAt: z.string() })
  .openapi("ApiKey");

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself; shown only in this answer." }),
}).openapi("ApiKeyCreated");

export const ApiKeyListSchema = z
  .object({ items: z.array(ApiKeySchema), nextCursor: z.string().nullable() })
  .openapi("ApiKeyList");

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ format: "date-time" }),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

export const AuditListSchema = z
  .object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })
  .openapi("AuditList");

export const AuditQuerySchema = z.object({
  limit,
  cursor: z.string().min(1).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(200).optional(),
});
