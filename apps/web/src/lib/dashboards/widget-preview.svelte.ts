import type { Widget, WidgetResult } from "@canopy/api";
import { ApiError, errorMessage } from "$lib/api";
import * as dashboardsApi from "$lib/api/dashboards";
import { widgetFieldErrors, type WidgetField } from "./widget-fields";

/**
 * The edit dialog's live preview: the hub computes the draft widget (`POST /dashboards/preview`)
 * a moment after the person stops changing it. The hub validates it too, so its issues show at
 * the fields while typing, before any save. A newer draft aborts the request for an older one.
 */
export class WidgetPreview {
  result = $state.raw<WidgetResult | null>(null);
  /** The draft the result was computed for (a chart of another type would not fit the result). */
  resultFor = $state.raw<Widget | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  fields = $state.raw<Partial<Record<WidgetField, string>>>({});
  #controller: AbortController | null = null;

  async run(widget: Widget): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    try {
      const result = await dashboardsApi.previewWidget(widget, { signal: controller.signal });
      this.result = result;
      this.resultFor = widget;
      this.error = null;
      this.fields = {};
    } catch (error) {
      if (controller.signal.aborted) return;
      this.error = errorMessage(error);
      this.fields = error instanceof ApiError ? widgetFieldErrors(error.issues, "widget") : {};
    } finally {
      if (this.#controller === controller) {
        this.loading = false;
        this.#controller = null;
      }
    }
  }

  /** The draft is invalid by the hub's rules: saving it would be refused the same way. */
  get invalid(): boolean {
    return Object.keys(this.fields).length > 0;
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}
