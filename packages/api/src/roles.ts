import { z } from "@hono/zod-openapi";
import { CUSTOM_ROLES_MAX, ID_MAX, ROLE_NAME_MAX, ROLES_PER_USER_MAX } from "./limits.js";
import { PermissionSchema, PERMISSIONS } from "./permissions.js";

/** A role by name: built-in (`Analyst`), an earlier version's (`admin`) or one someone defined. */
export const RoleNameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(ROLE_NAME_MAX)
  // No control characters: names are shown in lists and written to the audit.
  .refine((name) => ![...name].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), "must not hold control characters")
  .openapi({ example: "Analyst" });

/** The roles a user or API key holds: at least one. */
export const RoleNamesSchema = z.array(RoleNameSchema).min(1, "give at least one role").max(ROLES_PER_USER_MAX);

/** A role as `GET /roles` lists it. */
export const RoleInfoSchema = z
  .object({
    name: z.string(),
    builtIn: z.boolean(),
    /** Earlier versions' roles (`admin`, `operator`, `viewer`), still accepted. */
    alias: z.boolean(),
    permissions: z.array(PermissionSchema),
    /** A custom role's organization: the one that defined it (absent for built-in roles). */
    orgId: z.string().optional().openapi({ description: "custom roles: the organization that defined it" }),
    orgName: z.string().optional().openapi({ description: "custom roles: that organization's name" }),
    /** Whether it is usable in the organization the caller works in: defined there or above it. */
    usable: z.boolean().optional().openapi({ description: "custom roles: whether it may be given in the organization you work in (defined there or by one above it)" }),
    /** Whether the caller may delete it: defined in their scope, not by an organization above them. */
    deletable: z.boolean().optional().openapi({ description: "custom roles: whether you may delete it (defined in your organization or one under it)" }),
  })
  .openapi("RoleInfo");
export type RoleInfo = z.infer<typeof RoleInfoSchema>;

export const RoleListSchema = z.object({ items: z.array(RoleInfoSchema), nextCursor: z.null() }).openapi("RoleList");
export type RoleList = z.infer<typeof RoleListSchema>;

/** Body of `POST /roles`: a custom role. */
export const RoleCreateSchema = z
  .object({
    name: RoleNameSchema,
    permissions: z.array(PermissionSchema).min(1, "give at least one permission").max(PERMISSIONS.length),
  })
  .openapi("RoleCreate");
export type RoleCreate = z.input<typeof RoleCreateSchema>;

/** `{name}` in `/roles/{name}`. */
export const RoleNameParamSchema = z.object({
  name: z.string().min(1).max(ROLE_NAME_MAX).openapi({ param: { name: "name", in: "path" } }),
});

/** `DELETE /roles/{name}?orgId=`: which organization's role of that name (default: the one you work in). */
export const RoleDeleteQuerySchema = z.object({
  orgId: z.string().min(1).max(ID_MAX).optional().openapi({ description: "the organization that defined the role; default: the one you work in" }),
});

export { CUSTOM_ROLES_MAX };
