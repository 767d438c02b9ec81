import { z } from "@hono/zod-openapi";
import { ID_MAX } from "./limits.js";

/**
 * The MSSP's own organization: the root of the tree, created on first start. A tenant whose
 * `parentId` is this (or null, as earlier versions wrote) is a direct customer of the MSSP.
 */
export const ROOT_ORG_ID = "org_root";

/**
 * What an organization may use: `soar` (playbooks, custom fields), `siem` (SIEM rules, tuning
 * expressions, insights), `library`, and `msp` (it may have customers of its own).
 */
export const CAPABILITIES = ["soar", "siem", "library", "msp"] as const;
export const CapabilityNameSchema = z.enum(CAPABILITIES).openapi("CapabilityName");
export type CapabilityName = z.infer<typeof CapabilityNameSchema>;

/** The capabilities a tenant gets when none are given: what its parent holds, except `msp`. */
export const DEFAULT_CAPABILITIES: readonly CapabilityName[] = ["soar", "siem", "library"];

export const CapabilitySchema = z
  .object({
    name: CapabilityNameSchema,
    expiresAt: z.string().datetime({ offset: true }).nullable().optional().openapi({ description: "none: does not expire" }),
  })
  .openapi("Capability");
export type Capability = z.infer<typeof CapabilitySchema>;

/** Body of `PUT /tenants/{id}/capabilities`: the whole set. */
export const CapabilitiesBodySchema = z
  .object({
    capabilities: z
      .array(CapabilitySchema)
      .max(CAPABILITIES.length)
      .refine((list) => new Set(list.map((c) => c.name)).size === list.length, { message: "a capability is named twice" }),
  })
  .openapi("CapabilitiesBody");
export type CapabilitiesBody = z.input<typeof CapabilitiesBodySchema>;

/** A capability as an organization holds it now (past its expiry it is no longer listed). */
export const HeldCapabilitySchema = z
  .object({ name: CapabilityNameSchema, expiresAt: z.string().nullable() })
  .openapi("HeldCapability");
export type HeldCapability = z.infer<typeof HeldCapabilitySchema>;

export interface OrgNode {
  id: string;
  name: string;
  kind: "root" | "tenant";
  capabilities: HeldCapability[];
  needsOwner: boolean;
  children: OrgNode[];
}

/** `GET /orgs/tree`: the caller's scope. */
export const OrgNodeSchema: z.ZodType<OrgNode> = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["root", "tenant"]),
    capabilities: z.array(HeldCapabilitySchema),
    needsOwner: z.boolean(),
    children: z.array(z.lazy(() => OrgNodeSchema)),
  })
  .openapi("OrgNode") as z.ZodType<OrgNode>;

/** An owner of an organization: one of its users, holding *Manage organization*. */
export const OwnerSchema = z.object({ userId: z.string(), email: z.string() }).openapi("Owner");
export type Owner = z.infer<typeof OwnerSchema>;
export const OwnerListSchema = z.object({ items: z.array(OwnerSchema), nextCursor: z.null() }).openapi("OwnerList");

/** Body of `POST /tenants/{id}/owners`. */
export const OwnerAddSchema = z.object({ userId: z.string().min(1).max(ID_MAX) }).openapi("OwnerAdd");

/** `/tenants/{id}/owners/{userId}`. */
export const OwnerParamSchema = z.object({
  id: z.string().min(1).max(ID_MAX).openapi({ param: { name: "id", in: "path" } }),
  userId: z.string().min(1).max(ID_MAX).openapi({ param: { name: "userId", in: "path" } }),
});
