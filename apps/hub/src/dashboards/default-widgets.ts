import type { Widget } from "@canopy/api";

export const DEFAULT_DASHBOARD_NAME = "MSSP overview";

const all = { all: true } as const;

/** Every widget type once, laid out on the 12-column grid: what a new user sees first. */
export function defaultWidgets(): Widget[] {
  return [
    { id: "status", type: "status-counts", title: "Insights by status", range: "7d", lifecycle: "created", refreshSeconds: 60, tenants: all, layout: { x: 0, y: 0, w: 4, h: 3 } },
    { id: "severity", type: "severity-counts", title: "Insights by severity", range: "7d", lifecycle: "created", refreshSeconds: 60, tenants: all, layout: { x: 4, y: 0, w: 4, h: 3 } },
    { id: "pushes", type: "push-outcomes", title: "Push outcomes", range: "7d", lifecycle: "created", refreshSeconds: 60, tenants: all, layout: { x: 8, y: 0, w: 4, h: 3 } },
    { id: "over-time", type: "insights-over-time", title: "Insights over time", range: "7d", lifecycle: "created", refreshSeconds: 60, tenants: all, layout: { x: 0, y: 3, w: 8, h: 4 } },
    { id: "health", type: "node-health", title: "Node health", range: "24h", lifecycle: "created", refreshSeconds: 30, tenants: all, layout: { x: 8, y: 3, w: 4, h: 4 } },
    { id: "tenants", type: "tenant-table", title: "Insights per tenant", range: "7d", lifecycle: "created", refreshSeconds: 300, tenants: all, layout: { x: 0, y: 7, w: 12, h: 5 } },
    { id: "rules", type: "top-rules", title: "Top rules", range: "7d", lifecycle: "created", refreshSeconds: 300, tenants: all, layout: { x: 0, y: 12, w: 6, h: 4 } },
    { id: "techniques", type: "top-techniques", title: "Top techniques", range: "7d", lifecycle: "created", refreshSeconds: 300, tenants: all, layout: { x: 6, y: 12, w: 6, h: 4 } },
  ];
}
