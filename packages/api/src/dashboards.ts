import { z } from "@hono/zod-openapi";
import { sharingFields } from "./shared-objects.js";
import { DASHBOARD_NAME_MAX, DASHBOARD_WIDGETS_MAX, ID_MAX, PUSH_TARGETS_MAX, WIDGET_TITLE_MAX } from "./limits.js";

/** What a widget shows. Insight widgets count over `lifecycle` (which timestamp the time range bounds). */
export const WIDGET_TYPES = [
  "status-counts",
  "severity-counts",
  "insights-over-time",
  "tenant-table",
  "top-rules",
  "top-techniques",
  "node-health",
  "push-outcomes",
] as const;
export const WidgetTypeSchema = z.enum(WIDGET_TYPES).openapi("WidgetType");
export type WidgetType = z.infer<typeof WidgetTypeSchema>;

export const WIDGET_RANGES = ["1h", "24h", "7d", "30d", "90d", "365d", "all"] as const;
export const WidgetRangeSchema = z.enum(WIDGET_RANGES).openapi("WidgetRange");
export type WidgetRange = z.infer<typeof WidgetRangeSchema>;

/** The insight timestamp a widget's time range applies to. */
export const WIDGET_LIFECYCLES = ["created", "updated", "closed"] as const;
export const WidgetLifecycleSchema = z.enum(WIDGET_LIFECYCLES).openapi("WidgetLifecycle");
export type WidgetLifecycle = z.infer<typeof WidgetLifecycleSchema>;

/** Seconds between refreshes in the UI; 0 = only when asked. */
export const WIDGET_REFRESH_SECONDS = [0, 30, 60, 300, 900, 3600] as const;

export const WidgetTenantsSchema = z
  .union([
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({ ids: z.array(z.string().min(1).max(ID_MAX)).min(1, "choose at least one tenant").max(PUSH_TARGETS_MAX) }),
  ])
  .openapi("WidgetTenants");
export type WidgetTenants = z.infer<typeof WidgetTenantsSchema>;

/** Grid placement: 12 columns; `w` columns wide, `h` rows tall. */
export const WidgetLayoutSchema = z
  .strictObject({
    x: z.number().int().min(0).max(11),
    y: z.number().int().min(0).max(1000),
    w: z.number().int().min(1).max(12),
    h: z.number().int().min(1).max(12),
  })
  .openapi("WidgetLayout");
export type WidgetLayout = z.infer<typeof WidgetLayoutSchema>;

export const WidgetSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "widget ids are 1-64 of A-Z a-z 0-9 _ -"),
    type: WidgetTypeSchema,
    title: z.string().trim().min(1, "must not be empty").max(WIDGET_TITLE_MAX),
    range: WidgetRangeSchema,
    lifecycle: WidgetLifecycleSchema,
    refreshSeconds: z
      .number()
      .int()
      .refine((s) => (WIDGET_REFRESH_SECONDS as readonly number[]).includes(s), `one of ${WIDGET_REFRESH_SECONDS.join(", ")}`),
    tenants: WidgetTenantsSchema,
    layout: WidgetLayoutSchema,
  })
  .openapi("Widget");
export type Widget = z.infer<typeof WidgetSchema>;

/**
 * A dashboard belongs to the user who made it: its layout is theirs alone to change. Shared, it
 * can be read by others (`sharedBy`, `readOnly`), who see its figures for their own audience.
 */
export const DashboardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    widgets: z.array(WidgetSchema),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
    ...sharingFields,
  })
  .openapi("Dashboard");
export type Dashboard = z.infer<typeof DashboardSchema>;
/** What figures and exports are computed from: a dashboard's name and widgets, whoever's it is. */
export type DashboardLayout = Pick<Dashboard, "id" | "name" | "widgets">;

export const DashboardListSchema = z.object({ items: z.array(DashboardSchema) }).openapi("DashboardList");
export type DashboardList = z.infer<typeof DashboardListSchema>;

const widgets = z
  .array(WidgetSchema)
  .max(DASHBOARD_WIDGETS_MAX)
  .refine((list) => new Set(list.map((w) => w.id)).size === list.length, "widget ids must be unique");

/** Body of `POST /dashboards`; without `widgets` it gets the default set. */
export const DashboardCreateSchema = z
  .strictObject({ name: z.string().trim().min(1, "must not be empty").max(DASHBOARD_NAME_MAX), widgets: widgets.optional(), shared: z.boolean().default(false) })
  .openapi("DashboardCreate");
export type DashboardCreate = z.input<typeof DashboardCreateSchema>;

/** Body of `PUT /dashboards/{id}`: the whole dashboard (name and widgets with their layout); without `shared`, its sharing stays. */
export const DashboardPutSchema = z
  .strictObject({ name: z.string().trim().min(1, "must not be empty").max(DASHBOARD_NAME_MAX), widgets, shared: z.boolean().optional() })
  .openapi("DashboardPut");
export type DashboardPut = z.input<typeof DashboardPutSchema>;

/**
 * A widget's data, in one of three shapes so the UI and both exports draw any widget the same
 * way: `counts` (bars/doughnut), `series` (lines over time buckets), `table`.
 */
export const WidgetCountsSchema = z.object({
  kind: z.literal("counts"),
  rows: z.array(z.object({ key: z.string(), label: z.string(), value: z.number() })),
});
export const WidgetSeriesSchema = z.object({
  kind: z.literal("series"),
  bucket: z.enum(["minute", "hour", "day", "week"]),
  /** Bucket start times, ISO; every series has one value per bucket. */
  buckets: z.array(z.string()),
  series: z.array(z.object({ key: z.string(), label: z.string(), values: z.array(z.number()) })),
});
export const WidgetTableSchema = z.object({
  kind: z.literal("table"),
  columns: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      numeric: z.boolean(),
      /** The column holds ISO date-times (or null): exports write them as dates, the UI as local times. */
      date: z.boolean().optional(),
    }),
  ),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
});
export const WidgetDataSchema = z
  .discriminatedUnion("kind", [WidgetCountsSchema, WidgetSeriesSchema, WidgetTableSchema])
  .openapi("WidgetData");
export type WidgetData = z.infer<typeof WidgetDataSchema>;

/** One widget's figures, and the window they cover. */
export const WidgetResultSchema = z
  .object({
    widgetId: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    computedAt: z.string(),
    data: WidgetDataSchema,
  })
  .openapi("WidgetResult");
export type WidgetResult = z.infer<typeof WidgetResultSchema>;

/** `GET /dashboards/{id}/data`: every widget's result, in widget order. */
export const DashboardDataSchema = z.object({ widgets: z.array(WidgetResultSchema) }).openapi("DashboardData");
export type DashboardData = z.infer<typeof DashboardDataSchema>;

/** Body of `POST /dashboards/preview`: one widget's result for a config not saved yet (the edit dialog). */
export const WidgetPreviewSchema = z.strictObject({ widget: WidgetSchema }).openapi("WidgetPreview");
