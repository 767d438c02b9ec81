import type { Context } from "hono";
import type { DashboardAudience } from "../dashboards/dashboard-audience.js";
import { scopeOf, type HubEnv } from "./context.js";

/** The caller's dashboard audience: their scope's tenants, and the tenants whose insights they see. */
export async function audienceOf(c: Context<HubEnv>): Promise<DashboardAudience> {
  const scope = scopeOf(c);
  const insights = await c.get("hub").insightVisibility.tenantIds(scope);
  return { tenantIds: scope.orgIds, insightTenantIds: insights === undefined ? null : new Set(insights) };
}
