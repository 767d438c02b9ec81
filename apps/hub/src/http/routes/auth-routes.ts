import type { Context } from "hono";
import { isoAt } from "../../core/clock.js";
import { hashPassword } from "../../core/passwords.js";
import { inviteIdOf } from "../../domain/invites.js";
import { AcceptInviteSchema, LoginBodySchema, LoginResultSchema, MeSchema, PERMISSIONS, ROOT_ORG_ID } from "@canopy/api";
import { orgOfUser, rolesOfUser } from "../../domain/user-roles.js";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteCookie, setCookie } from "hono/cookie";
import { ProblemError, problems } from "../../core/problem-error.js";
import { newSession, SESSION_TTL_MS, sessionIdOf } from "../../domain/sessions.js";
import { authenticate } from "../../domain/users.js";
import { SESSION_COOKIE } from "../auth.js";
import { clientAddress, principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { ROOT_PERMISSIONS } from "../route-access.js";

const login = createRoute({
  method: "post",
  path: "/auth/login",
  operationId: "login",
  tags: ["auth"],
  summary: "Log in; sets the canopy_session cookie",
  security: [],
  request: { body: jsonBody(LoginBodySchema) },
  responses: {
    200: jsonContent(LoginResultSchema, "Logged in"),
    ...problemResponses(401, 403, 422, 429),
  },
});

const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  operationId: "logout",
  tags: ["auth"],
  summary: "End the session (idempotent)",
  security: [],
  responses: { 204: { description: "Logged out" }, ...problemResponses(403) },
});

const accept = createRoute({
  method: "post",
  path: "/auth/accept",
  operationId: "acceptInvite",
  tags: ["auth"],
  summary: "Set your password from an invite or reset link; signs you in",
  security: [],
  request: { body: jsonBody(AcceptInviteSchema) },
  responses: { 200: jsonContent(LoginResultSchema, "Password set; signed in"), ...problemResponses(403, 410, 422, 429) },
});

const me = createRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["auth"],
  summary: "Who am I",
  responses: { 200: jsonContent(MeSchema, "The caller"), ...authProblems },
});

function setSessionCookie(c: Context<HubEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function authRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(login, async (c) => {
    const hub = c.get("hub");
    const address = clientAddress(c);
    const { email, password } = c.req.valid("json");
    // Counted before the hash, so parallel guesses cannot all reach it; released if it succeeds.
    const attempt = hub.limits.login.reserve(address);
    if (!attempt.ok) throw problems.rateLimited("too many failed logins, try again later", attempt.retryAfterMs);
    const user = await authenticate(hub.data.users, email, password);
    if (!user) {
      hub.audit.record({ actor: email.toLowerCase(), action: "auth.login_failed", detail: { clientAddress: address } });
      throw new ProblemError(401, "invalid_credentials", "email or password is not correct");
    }
    attempt.release();
    const { token, session } = newSession(user.id, hub.clock);
    // A session the store could not keep would vanish with the next failed write: no cookie for it.
    await hub.data.write(async (tx) => {
      await tx.sessions.insert(session);
      await tx.users.recordLogin(user.id, session.createdAt);
      await tx.audit.record({ actor: user.email, action: "auth.login", target: `user:${user.id}`, detail: { clientAddress: address } });
    });
    setSessionCookie(c, token);
    const roles = rolesOfUser(user);
    return c.json({ user: { id: user.id, email: user.email, role: roles[0] ?? "", roles, orgId: orgOfUser(user) } }, 200);
  });

  api.openapi(accept, async (c) => {
    const hub = c.get("hub");
    const address = clientAddress(c);
    const { token, password } = c.req.valid("json");
    // Guessing tokens is as hopeless as guessing keys, but a flood of tries still costs hashes: limited like logins.
    const attempt = hub.limits.login.reserve(address);
    if (!attempt.ok) throw problems.rateLimited("too many failed attempts, try again later", attempt.retryAfterMs);
    const passwordHash = await hashPassword(password);
    const now = isoAt(hub.clock());
    const result = await hub.data.write(async (tx) => {
      const invite = await tx.invites.get(inviteIdOf(token));
      const user = invite && (await tx.users.get(invite.userId));
      if (!invite || invite.expiresAt <= now || !user || user.disabled) {
        if (invite && invite.expiresAt <= now) await tx.invites.delete(invite.id);
        return undefined;
      }
      // One use: every link the user has stops working once one of them set the password.
      await tx.invites.deleteForUser(user.id);
      await tx.users.update({ ...user, passwordHash, lastLoginAt: now });
      const { token: sessionToken, session } = newSession(user.id, hub.clock);
      await tx.sessions.insert(session);
      await tx.audit.record({ actor: user.email, action: invite.kind === "invite" ? "user.accept" : "user.password_reset", target: `user:${user.id}`, orgId: orgOfUser(user) });
      return { user, sessionToken };
    });
    if (!result) throw new ProblemError(410, "link_gone", "this link was used already or has expired: ask for a new one");
    attempt.release();
    setSessionCookie(c, result.sessionToken);
    const roles = rolesOfUser(result.user);
    return c.json({ user: { id: result.user.id, email: result.user.email, role: roles[0] ?? "", roles, orgId: orgOfUser(result.user) } }, 200);
  });

  api.openapi(logout, async (c) => {
    const hub = c.get("hub");
    const principal = c.get("principal");
    if (principal?.kind === "session") {
      await hub.data.write(async (tx) => {
        await tx.sessions.delete(sessionIdOf(principal.token));
        await tx.audit.record({ actor: principal.actor, action: "auth.logout", target: `user:${principal.userId}` });
      });
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

  api.openapi(me, async (c) => {
    const principal = principalOf(c);
    const hub = c.get("hub");
    const org = principal.orgId === ROOT_ORG_ID ? undefined : await hub.data.tenants.get(principal.orgId);
    const common = {
      role: principal.roles[0] ?? "",
      roles: [...principal.roles],
      // What the user can do here: the root's own permissions do not act for other organizations' users.
      permissions: PERMISSIONS.filter((permission) => principal.permissions.has(permission) && (principal.orgId === ROOT_ORG_ID || !ROOT_PERMISSIONS.has(permission))),
      orgId: principal.orgId,
      orgName: org?.name ?? hub.settings.rootOrgName,
    };
    return c.json(
      principal.kind === "session"
        ? { id: principal.userId, email: principal.email, ...common, kind: "user" as const }
        : { id: principal.keyId, email: null, ...common, kind: "apiKey" as const },
      200,
    );
  });
}
