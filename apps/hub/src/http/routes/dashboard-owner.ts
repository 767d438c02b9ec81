import type { Context } from "hono";
import { problems } from "../../core/problem-error.js";
import { principalOf, type HubEnv } from "../context.js";

/** The user whose dashboards a request reads and changes. */
export interface DashboardOwner {
  userId: string;
  email: string;
}

/**
 * Dashboards are a user's own: a session acts as its user, an API key as the user who created
 * it. Never from the request body or path.
 */
export function dashboardOwner(c: Context<HubEnv>): DashboardOwner {
  const principal = principalOf(c);
  if (principal.kind === "session") return { userId: principal.userId, email: principal.email };
  const hub = c.get("hub");
  const createdBy = hub.apiKeys.get(principal.keyId)?.createdBy;
  const user = createdBy === undefined ? undefined : hub.users.findByEmail(createdBy);
  if (!user) throw problems.forbidden("this API key was not made by a user, so it has no dashboards");
  return { userId: user.id, email: user.email };
}
