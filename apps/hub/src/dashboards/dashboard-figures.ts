import type { DashboardLayout, DashboardData, FieldError, Widget, WidgetResult } from "@canopy/api";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import { computeWidget, computeWidgets } from "./compute-widget.js";
import type { IndexedInsight, InsightTimeField } from "../insights/insight-source.js";
import { CountedInsights } from "./counted-insights.js";
import { EVERYONE, sourcesFor, type DashboardAudience } from "./dashboard-audience.js";
import type { DashboardSources } from "./dashboard-sources.js";
import type { InsightFigures } from "./insight-figures.js";
import type { TenantDirectoryReader } from "./tenant-directory.js";
import type { DashboardExport } from "./export/export-model.js";
import { dashboardPdf } from "./export/pdf-export.js";
import { dashboardXlsx } from "./export/xlsx-export.js";

/**
 * The hub's insight repository as dashboards read it. The PostgreSQL one counts where the
 * insights are (`figures`: GROUP BY queries); the embedded one has them in memory, so its rows
 * are counted here, each scope read once per computation.
 */
export interface InsightRangeReader {
  inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Promise<readonly IndexedInsight[]>;
  readonly figures?: InsightFigures;
}

const figuresOf = (reader: InsightRangeReader): InsightFigures =>
  reader.figures ?? new CountedInsights(({ field, from, tenantIds }) => reader.inRange(field, from, null, tenantIds));

/** What the hub hands dashboards: the insights and tenants through their (asynchronous) repositories. */
export type HubDashboardSources = Omit<DashboardSources, "insights" | "tenants"> & {
  readonly insights: InsightRangeReader;
  readonly tenants: TenantDirectoryReader;
};

/** A dashboard's figures now: for the API, and as .xlsx and .pdf files. */
export class DashboardFigures {
  readonly #sources: () => HubDashboardSources;
  readonly #clock: Clock;

  /** `sources` is asked on every computation, so a source wired in later is seen. */
  constructor(sources: () => HubDashboardSources, clock: Clock) {
    this.#sources = sources;
    this.#clock = clock;
  }

  /** The sources widgets compute from: the insights' figures, and the tenants read first. */
  async #prepared(audience: DashboardAudience): Promise<DashboardSources> {
    const sources = this.#sources();
    const tenants = await sources.tenants.all();
    return sourcesFor({ ...sources, insights: figuresOf(sources.insights), tenants: { all: () => tenants } }, audience);
  }

  /** `audience`: whose figures the viewer may see (their scope); every figure is limited to it. */
  async all(dashboard: DashboardLayout, audience: DashboardAudience = EVERYONE): Promise<DashboardData> {
    const now = this.#clock();
    return { widgets: await computeWidgets(dashboard.widgets, await this.#prepared(audience), now) };
  }

  async widget(dashboard: DashboardLayout, widgetId: string, audience: DashboardAudience = EVERYONE): Promise<WidgetResult> {
    const widget = dashboard.widgets.find((w) => w.id === widgetId);
    if (!widget) throw problems.notFound(`widget ${widgetId} of dashboard ${dashboard.id}`);
    const now = this.#clock();
    return computeWidget(widget, await this.#prepared(audience), now);
  }

  async preview(widget: Widget, audience: DashboardAudience = EVERYONE): Promise<WidgetResult> {
    const now = this.#clock();
    return computeWidget(widget, await this.#prepared(audience), now);
  }

  /** Chosen tenants the hub does not have, as field errors; `pathOf` names a widget by its index (`widgets.3`). */
  async unknownTenants(widgets: readonly Widget[], pathOf: (index: number) => string, audience: DashboardAudience = EVERYONE): Promise<FieldError[]> {
    const chosen = widgets.flatMap((widget) => ("all" in widget.tenants ? [] : widget.tenants.ids));
    // A tenant outside the viewer's scope is as unknown as one that never was.
    const known = new Set([...(await this.#sources().tenants.existing(chosen))].filter((id) => audience.tenantIds === null || audience.tenantIds.has(id)));
    return widgets.flatMap((widget, w) =>
      "all" in widget.tenants
        ? []
        : widget.tenants.ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `${pathOf(w)}.tenants.ids.${i}`, message: `no tenant ${id}` }])),
    );
  }

  async exportModel(dashboard: DashboardLayout, user: string, audience: DashboardAudience = EVERYONE): Promise<DashboardExport> {
    const now = this.#clock();
    const sources = await this.#prepared(audience);
    return {
      dashboard,
      results: await computeWidgets(dashboard.widgets, sources, now),
      user,
      generatedAt: now,
      tenantNames: new Map(sources.tenants.all().map((tenant) => [tenant.id, tenant.name])),
    };
  }

  async xlsx(dashboard: DashboardLayout, user: string, audience: DashboardAudience = EVERYONE): Promise<Buffer> {
    return dashboardXlsx(await this.exportModel(dashboard, user, audience));
  }

  async pdf(dashboard: DashboardLayout, user: string, audience: DashboardAudience = EVERYONE): Promise<Buffer> {
    return dashboardPdf(await this.exportModel(dashboard, user, audience));
  }
}
