import { z } from "@hono/zod-openapi";
import { EMAIL_MAX, ID_MAX, SEARCH_MAX, TAG_MAX, TAGS_MAX, TENANT_DESCRIPTION_MAX, TENANT_NAME_MAX } from "./limits.js";
import { CapabilitySchema, HeldCapabilitySchema, ROOT_ORG_ID } from "./organizations.js";
import { pageOf, pageQuery } from "./paging.js";

/** Computed by the hub, never stored: online while its agent is connected, offline when it has one. */
export const TENANT_STATUSES = ["unpaired", "online", "offline"] as const;
export const TenantStatusSchema = z.enum(TENANT_STATUSES).openapi("TenantStatus");
export type TenantStatus = z.infer<typeof TenantStatusSchema>;

/** A tenant (customer) with its agent's live state; dates are ISO strings. */
export const TenantSchema = z
  .object({
    id: z.string().openapi({ example: "tnt_Xo2fL9aQk3VbR1sd" }),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    parentId: z.string().nullable().openapi({ description: `the parent organization: the MSSP's root ("${ROOT_ORG_ID}") or a child MSP` }),
    capabilities: z.array(HeldCapabilitySchema),
    /** No user of the organization holds *Manage organization* yet. */
    needsOwner: z.boolean(),
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
export type Tenant = z.infer<typeof TenantSchema>;

export const TenantListSchema = pageOf(TenantSchema).openapi("TenantList");
export type TenantList = z.infer<typeof TenantListSchema>;

const name = z.string().trim().min(1, "must not be empty").max(TENANT_NAME_MAX);
const description = z.string().max(TENANT_DESCRIPTION_MAX);
const tags = z.array(z.string().trim().min(1, "must not be empty").max(TAG_MAX)).max(TAGS_MAX);

/** Body of `POST /tenants`. */
export const TenantCreateSchema = z
  .object({
    name,
    description: description.optional(),
    parentId: z.string().min(1).max(ID_MAX).nullable().optional().openapi({ description: "default: the root; the parent must hold `msp`" }),
    tags: tags.optional(),
    owner: z
      .object({ email: z.string().trim().toLowerCase().min(3).max(EMAIL_MAX).email("not an email address") })
      .optional()
      .openapi({ description: "invites this user as the owner; the answer carries the one-time link" }),
    capabilities: z.array(CapabilitySchema).max(4).optional().openapi({ description: "default: soar, siem and library, as the parent holds them" }),
  })
  .openapi("TenantCreate");

/** The answer of `POST /tenants`: with an owner, their invite link (shown once). */
export const TenantCreatedSchema = TenantSchema.extend({
  ownerInviteUrl: z.string().optional(),
  ownerInviteExpiresAt: z.string().optional(),
}).openapi("TenantCreated");
export type TenantCreated = z.infer<typeof TenantCreatedSchema>;
export type TenantCreate = z.input<typeof TenantCreateSchema>;

/** Body of `PATCH /tenants/{id}`: at least one field. */
export const TenantPatchSchema = z
  .object({
    name: name.optional(),
    description: description.optional(),
    tags: tags.optional(),
    parentId: z.string().min(1).max(ID_MAX).optional().openapi({ description: "move under another parent in your scope (it must hold `msp`, or be the root)" }),
  })
  .refine((body) => body.name !== undefined || body.description !== undefined || body.tags !== undefined || body.parentId !== undefined, {
    message: "give at least one of name, description, tags, parentId",
  })
  .openapi("TenantPatch");
export type TenantPatch = z.input<typeof TenantPatchSchema>;

/** Query of `GET /tenants`: sorted by name, filtered by text (`q`), status and tag. */
export const TenantListQuerySchema = z.object({
  ...pageQuery,
  q: z.string().max(SEARCH_MAX).optional(),
  status: TenantStatusSchema.optional(),
  tag: z.string().max(TAG_MAX).optional(),
});
export type TenantListQuery = z.infer<typeof TenantListQuerySchema>;
