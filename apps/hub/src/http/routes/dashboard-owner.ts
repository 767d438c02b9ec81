import type { Context } from "hono";
import { problems } from "../../core/problem-error.js";
import type { DashboardRecord } from "../../dashboards/dashboards.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { sharedWith, sharingOrgsOf } from "../shared-objects.js";

/** Whose dashboards (and saved searches) a request reads and changes. */
export interface DashboardOwner {
  /** A user id, or an API key's id. */
  id: string;
  /** How exports and the viewers of shared objects name the owner: a user's email, or `api-key:<name>`. */
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

/**
 * A dashboard the caller may read: their own, or one shared with them (shared-objects.ts);
 * anything else is "not found". Its figures are always the caller's audience's.
 */
export async function readableDashboard(c: Context<HubEnv>, id: string): Promise<DashboardRecord> {
  const record = await c.get("hub").data.dashboards.get(id);
  if (record && (record.ownerId === dashboardOwner(c).id || sharedWith(record, await sharingOrgsOf(c)))) return record;
  throw problems.notFound(`dashboard ${id}`);
}

/** The caller as the maker of a dashboard or saved search: it belongs to the organization they work in. */
export function makerOf(c: Context<HubEnv>): { ownerId: string; ownerLabel: string; orgId: string } {
  const owner = dashboardOwner(c);
  return { ownerId: owner.id, ownerLabel: owner.label, orgId: scopeOf(c).orgId };
}
