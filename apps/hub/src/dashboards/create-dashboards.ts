import type { Store } from "@canopy/store";
import type { Clock } from "../core/clock.js";
import type { TenantRepository } from "../domain/tenant-repository.js";
import type { TenantViews } from "../domain/tenant-views.js";
import { DashboardFigures, type HubDashboardSources, type InsightRangeReader } from "./dashboard-figures.js";
import type { PushOutcomeSource } from "./dashboard-sources.js";
import { Dashboards } from "./dashboards.js";
import { tenantDirectory } from "./tenant-directory.js";

export interface DashboardServiceOptions {
  store: Store;
  clock: Clock;
  views: TenantViews;
  tenants: Pick<TenantRepository, "getMany">;
  /** The push history as users are shown it (the `pushes` repository: outcomes once durable). */
  pushes: PushOutcomeSource;
  /** The federated insights (the insight repository); asked on every computation. Without them, insight widgets count nothing. */
  insights?: () => InsightRangeReader;
}

const NO_INSIGHTS: InsightRangeReader = { inRange: () => Promise.resolve([]) };

/** Users' dashboards (`records`) and their figures and exports (`figures`), over the hub's data. */
export function createDashboards(options: DashboardServiceOptions) {
  const tenants = tenantDirectory(options.views, options.tenants);
  const pushes = options.pushes;
  const insights = options.insights ?? (() => NO_INSIGHTS);
  const sources = (): HubDashboardSources => ({ insights: insights(), tenants, pushes });
  return {
    records: new Dashboards(options.clock),
    figures: new DashboardFigures(sources, options.clock),
  };
}

export type DashboardServices = ReturnType<typeof createDashboards>;
