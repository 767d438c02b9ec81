import { z } from "@hono/zod-openapi";
import { EMAIL_MAX, ID_MAX, INVITE_TOKEN_MAX, PASSWORD_MAX, PASSWORD_MIN } from "./limits.js";
import { pageOf, pageQuery } from "./paging.js";
import { RoleNamesSchema } from "./roles.js";

const email = z.string().trim().toLowerCase().min(3).max(EMAIL_MAX).email("not an email address");

/** A staff user as the admin pages list them. */
export const UserAccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    /** The organization the user belongs to: they see and act on its subtree only. */
    orgId: z.string(),
    roles: z.array(z.string()),
    disabled: z.boolean(),
    /** Invited and not accepted yet: no password. */
    invited: z.boolean(),
    lastLoginAt: z.string().nullable().openapi({ format: "date-time" }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("UserAccount");
export type UserAccount = z.infer<typeof UserAccountSchema>;

export const UserAccountListSchema = pageOf(UserAccountSchema).openapi("UserAccountList");
export type UserAccountList = z.infer<typeof UserAccountListSchema>;

export const UserListQuerySchema = z.object({
  ...pageQuery,
  orgId: z.string().min(1).max(ID_MAX).optional().openapi({ description: "only this organization's users" }),
});

/** Body of `POST /users`: an invitation; the answer's link is shown once. */
export const UserCreateSchema = z
  .object({ email, orgId: z.string().min(1).max(ID_MAX).optional().openapi({ description: "default: the caller's organization" }), roles: RoleNamesSchema })
  .openapi("UserCreate");
export type UserCreate = z.input<typeof UserCreateSchema>;

export const UserInvitedSchema = UserAccountSchema.extend({
  inviteUrl: z.string().openapi({ description: "One-time link that sets the password; shown only in this answer." }),
  inviteExpiresAt: z.string().openapi({ format: "date-time" }),
}).openapi("UserInvited");
export type UserInvited = z.infer<typeof UserInvitedSchema>;

/** Body of `PATCH /users/{id}`. */
export const UserPatchSchema = z
  .object({ roles: RoleNamesSchema.optional(), disabled: z.boolean().optional() })
  .refine((body) => body.roles !== undefined || body.disabled !== undefined, { message: "give roles or disabled" })
  .openapi("UserPatch");
export type UserPatch = z.input<typeof UserPatchSchema>;

export const PasswordResetSchema = z
  .object({
    resetUrl: z.string().openapi({ description: "One-time link that sets a new password; shown only in this answer." }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PasswordReset");
export type PasswordReset = z.infer<typeof PasswordResetSchema>;

/** Body of `POST /auth/accept`: the token from an invite or reset link, and the password to set. */
export const AcceptInviteSchema = z
  .object({
    token: z.string().min(1).max(INVITE_TOKEN_MAX),
    password: z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX),
  })
  .openapi("AcceptInvite");
export type AcceptInvite = z.input<typeof AcceptInviteSchema>;
