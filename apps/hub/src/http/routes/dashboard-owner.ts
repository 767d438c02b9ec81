import type { Context } from "hono";
import { principalOf, type HubEnv } from "../context.js";

/** Whose dashboards a request reads and changes. */
export interface DashboardOwner {
  /** A user id, or an API key's id. */
  id: string;
  /** How exports name the owner: a user's email, or `api-key:<name>`. */
  label: string;
}

/**
 * Dashboards belong to whoever calls: a session to its user, an API key to the key itself. A key
 * never acts as the user who created it (a viewer key made by an admin must not reach that
 * admin's dashboards), and never from the request body or path.
 */
export function dashboardOwner(c: Context<HubEnv>): DashboardOwner {
  const principal = principalOf(c);
  return principal.kind === "session" ? { id: principal.userId, label: principal.email } : { id: principal.keyId, label: principal.actor };
}
