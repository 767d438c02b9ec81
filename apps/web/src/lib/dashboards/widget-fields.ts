import type { WidgetType } from "@canopy/api";
import type { ProblemIssue } from "$lib/api/problem";
import { WIDGET_TYPE_LABELS } from "./widget-options";

/** The edit dialog's fields; a hub issue is shown under the one it is about. */
export type WidgetField = "title" | "type" | "range" | "lifecycle" | "refreshSeconds" | "tenants" | "width" | "height" | "form";

/** What saving a widget from the dialog came to; on a refusal, the hub's issues by field. */
export type SaveOutcome = { ok: true } | { ok: false; message: string; fields: Partial<Record<WidgetField, string>> };

const FIELD_OF: Record<string, WidgetField> = {
  title: "title",
  type: "type",
  range: "range",
  lifecycle: "lifecycle",
  refreshSeconds: "refreshSeconds",
  tenants: "tenants",
  "layout.w": "width",
  "layout.h": "height",
};

/**
 * The hub's 422 issues for one widget, by dialog field. `prefix` is where the widget sits in the
 * body that was sent: `widgets.3` for a save (`PUT` of the whole dashboard), `widget` for a preview.
 * Issues about other widgets are left out; issues about the widget as a whole go to `form`.
 */
export function widgetFieldErrors(issues: readonly ProblemIssue[], prefix: string): Partial<Record<WidgetField, string>> {
  const errors: Partial<Record<WidgetField, string>> = {};
  for (const issue of issues) {
    if (issue.path !== prefix && !issue.path.startsWith(`${prefix}.`)) continue;
    const rest = issue.path.slice(prefix.length + 1);
    const key = Object.keys(FIELD_OF).find((path) => rest === path || rest.startsWith(`${path}.`));
    const field = key ? FIELD_OF[key]! : "form";
    errors[field] ??= key || !rest ? issue.message : `${rest}: ${issue.message}`;
  }
  return errors;
}

/** A widget id unused on this dashboard, in the hub's alphabet. */
export function newWidgetId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `w-${Math.random().toString(36).slice(2, 10)}`;
    if (!taken.has(id)) return id;
  }
}

/** A sensible size to start with, per kind of picture. */
export function defaultSize(type: WidgetType): { w: number; h: number } {
  if (type === "insights-over-time" || type === "tenant-table") return { w: 8, h: 4 };
  return { w: 4, h: 4 };
}

export function defaultTitle(type: WidgetType): string {
  return WIDGET_TYPE_LABELS[type];
}
