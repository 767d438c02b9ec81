import type { DashboardSources } from "./dashboard-sources.js";
import type { InsightFigures, InsightScope } from "./insight-figures.js";

/**
 * Whose figures a dashboard shows its viewer: the tenants of their scope (tenant tables, push
 * outcomes) and the tenants whose insights they may see (InsightVisibility). null: all.
 */
export interface DashboardAudience {
  readonly tenantIds: ReadonlySet<string> | null;
  readonly insightTenantIds: ReadonlySet<string> | null;
}

export const EVERYONE: DashboardAudience = { tenantIds: null, insightTenantIds: null };

const narrow = (asked: ReadonlySet<string> | null, allowed: ReadonlySet<string> | null): ReadonlySet<string> | null =>
  allowed === null ? asked : asked === null ? allowed : new Set([...asked].filter((id) => allowed.has(id)));

/**
 * The sources as the audience may read them: every question a widget asks is narrowed to the
 * audience's tenants before it reaches a repository, so no widget can count past it, whatever
 * tenants it was set to.
 */
export function sourcesFor(sources: DashboardSources, audience: DashboardAudience): DashboardSources {
  if (audience.tenantIds === null && audience.insightTenantIds === null) return sources;
  const scoped = (scope: InsightScope): InsightScope => ({ ...scope, tenantIds: narrow(scope.tenantIds, audience.insightTenantIds) });
  const insights: InsightFigures = {
    tally: (scope) => sources.insights.tally(scoped(scope)),
    rules: (scope) => sources.insights.rules(scoped(scope)),
    techniques: (scope) => sources.insights.techniques(scoped(scope)),
    earliest: (scope) => sources.insights.earliest(scoped(scope)),
    buckets: (scope, frame) => sources.insights.buckets(scoped(scope), frame),
  };
  const tenants = sources.tenants.all().filter((tenant) => audience.tenantIds === null || audience.tenantIds.has(tenant.id));
  return {
    insights,
    tenants: { all: () => tenants },
    pushes: { outcomes: (from, to, tenantIds) => sources.pushes.outcomes(from, to, narrow(tenantIds, audience.tenantIds)) },
  };
}
