import type { Store } from "@canopy/store";
import type { Clock } from "../core/clock.js";
import type { Agents } from "../domain/agents.js";
import type { TenantViews } from "../domain/tenant-views.js";
import type { Tenants } from "../domain/tenants.js";
import type { InsightSource } from "../insights/insight-source.js";
import type { PushView } from "../push/push-view.js";
import { ArrayInsightSource } from "./array-insight-source.js";
import { DashboardFigures } from "./dashboard-figures.js";
import type { DashboardSources } from "./dashboard-sources.js";
import { Dashboards } from "./dashboards.js";
import { pushOutcomeSource } from "./push-outcome-source.js";
import { tenantDirectory } from "./tenant-directory.js";

export interface DashboardServiceOptions {
  store: Store;
  clock: Clock;
  tenants: Tenants;
  agents: Agents;
  views: TenantViews;
  /** The push history as users are shown it (the hub's `pushes.durable`: outcomes once on disk). */
  pushes: PushView;
  /** The federated insight index; asked on every computation. Without one, insight widgets count nothing. */
  insights?: () => InsightSource;
}

const NO_INSIGHTS = new ArrayInsightSource([]);

/** Users' dashboards (`records`) and their figures and exports (`figures`), over the hub's data. */
export function createDashboards(options: DashboardServiceOptions) {
  const tenants = tenantDirectory(options.tenants, options.agents, options.views);
  const pushes = pushOutcomeSource(options.pushes);
  const insights = options.insights ?? (() => NO_INSIGHTS);
  const sources = (): DashboardSources => ({ insights: insights(), tenants, pushes });
  return {
    records: new Dashboards(options.store, options.clock),
    figures: new DashboardFigures(sources, options.clock),
  };
}

export type DashboardServices = ReturnType<typeof createDashboards>;
