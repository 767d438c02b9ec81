import { LoginBodySchema, LoginResultSchema, MeSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteCookie, setCookie } from "hono/cookie";
import { ProblemError, problems } from "../../core/problem-error.js";
import { newSession, SESSION_TTL_MS, sessionIdOf } from "../../domain/sessions.js";
import { authenticate } from "../../domain/users.js";
import { SESSION_COOKIE } from "../auth.js";
import { clientAddress, principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

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

const me = createRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["auth"],
  summary: "Who am I",
  responses: { 200: jsonContent(MeSchema, "The caller"), ...authProblems },
});

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
      await tx.audit.record({ actor: user.email, action: "auth.login", target: `user:${user.id}`, detail: { clientAddress: address } });
    });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.json({ user: { id: user.id, email: user.email, role: user.role } }, 200);
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

  api.openapi(me, (c) => {
    const principal = principalOf(c);
    return c.json(
      principal.kind === "session"
        ? { id: principal.userId, email: principal.email, role: principal.role, kind: "user" as const }
        : { id: principal.keyId, email: null, role: principal.role, kind: "apiKey" as const },
      200,
    );
  });
}
