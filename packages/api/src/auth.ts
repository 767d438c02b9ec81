import { z } from "@hono/zod-openapi";
import { EMAIL_MAX, PASSWORD_MAX } from "./limits.js";
import { PermissionSchema } from "./permissions.js";

/** Earlier versions' roles, still accepted as aliases of built-in roles (`permissions.ts`). */
export const ROLES = ["admin", "operator", "viewer"] as const;
export const RoleSchema = z.enum(ROLES).openapi("Role");
export type Role = z.infer<typeof RoleSchema>;

/** A person who signs in. */
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.string().openapi({ description: "the first of `roles` (what earlier versions answered)" }),
    roles: z.array(z.string()),
    orgId: z.string(),
  })
  .openapi("User");
export type User = z.infer<typeof UserSchema>;

/** `GET /me`: the caller, a signed-in user or an API key. */
export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable().openapi({ description: "null for API keys" }),
    role: z.string().openapi({ description: "the first of `roles` (what earlier versions answered)" }),
    roles: z.array(z.string()),
    /** What the caller may do: the UI offers only these acts. */
    permissions: z.array(PermissionSchema),
    /** The caller's organization: they see and act on its subtree. */
    orgId: z.string(),
    orgName: z.string(),
    kind: z.enum(["user", "apiKey"]),
  })
  .openapi("Me");
export type Me = z.infer<typeof MeSchema>;

/** Body of `POST /auth/login`. */
export const LoginBodySchema = z.object({
  email: z.string().trim().min(1).max(EMAIL_MAX).openapi({ example: "admin@canopy.local" }),
  password: z.string().min(1).max(PASSWORD_MAX),
});
export type LoginBody = z.input<typeof LoginBodySchema>;

/** 200 answer of `POST /auth/login` (the session itself is the `canopy_session` cookie). */
export const LoginResultSchema = z.object({ user: UserSchema });
export type LoginResult = z.infer<typeof LoginResultSchema>;
