import type { Dashboard, DashboardData, FieldError, Widget, WidgetResult } from "@canopy/api";
import type { Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import { computeWidget, computeWidgets } from "./compute-widget.js";
import type { DashboardSources } from "./dashboard-sources.js";
import type { DashboardExport } from "./export/export-model.js";
import { dashboardPdf } from "./export/pdf-export.js";
import { dashboardXlsx } from "./export/xlsx-export.js";

/** A dashboard's figures now: for the API, and as .xlsx and .pdf files. */
export class DashboardFigures {
  readonly #sources: () => DashboardSources;
  readonly #clock: Clock;

  /** `sources` is asked on every computation, so a source wired in later (the insight index) is seen. */
  constructor(sources: () => DashboardSources, clock: Clock) {
    this.#sources = sources;
    this.#clock = clock;
  }

  all(dashboard: Dashboard): DashboardData {
    return { widgets: computeWidgets(dashboard.widgets, this.#sources(), this.#clock()) };
  }

  widget(dashboard: Dashboard, widgetId: string): WidgetResult {
    const widget = dashboard.widgets.find((w) => w.id === widgetId);
    if (!widget) throw problems.notFound(`widget ${widgetId} of dashboard ${dashboard.id}`);
    return computeWidget(widget, this.#sources(), this.#clock());
  }

  preview(widget: Widget): WidgetResult {
    return computeWidget(widget, this.#sources(), this.#clock());
  }

  /** Chosen tenants the hub does not have, as field errors; `pathOf` names a widget by its index (`widgets.3`). */
  unknownTenants(widgets: readonly Widget[], pathOf: (index: number) => string): FieldError[] {
    const known = new Set(this.#sources().tenants.all().map((tenant) => tenant.id));
    return widgets.flatMap((widget, w) =>
      "all" in widget.tenants
        ? []
        : widget.tenants.ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `${pathOf(w)}.tenants.ids.${i}`, message: `no tenant ${id}` }])),
    );
  }

  exportModel(dashboard: Dashboard, user: string): DashboardExport {
    const sources = this.#sources();
    const now = this.#clock();
    return {
      dashboard,
      results: computeWidgets(dashboard.widgets, sources, now),
      user,
      generatedAt: now,
      tenantNames: new Map(sources.tenants.all().map((tenant) => [tenant.id, tenant.name])),
    };
  }

  xlsx(dashboard: Dashboard, user: string): Promise<Buffer> {
    return dashboardXlsx(this.exportModel(dashboard, user));
  }

  pdf(dashboard: Dashboard, user: string): Promise<Buffer> {
    return dashboardPdf(this.exportModel(dashboard, user));
  }
}
