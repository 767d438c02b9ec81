import type { Widget } from "@canopy/api";
import { describe, expect, it } from "vitest";
import { widgetFieldErrors } from "./widget-fields";
import { scopeSummary, tenantsSummary } from "./widget-text";

const names: Record<string, string> = { t1: "Acme Corp", t2: "Globex", t3: "Initech" };
const name = (id: string) => names[id];

const widget: Widget = {
  id: "w1",
  type: "severity-counts",
  title: "Severity",
  range: "7d",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 4, h: 4 },
};

describe("widget summaries", () => {
  it("names the chosen tenants, or counts them when there are many", () => {
    expect(tenantsSummary({ all: true }, name)).toBe("All tenants");
    expect(tenantsSummary({ ids: ["t1"] }, name)).toBe("Acme Corp");
    expect(tenantsSummary({ ids: ["t1", "gone"] }, name)).toBe("Acme Corp, a removed tenant");
    expect(tenantsSummary({ ids: ["t1", "t2", "t3"] }, name)).toBe("3 tenants");
    expect(tenantsSummary({ ids: [] }, name)).toBe("No tenants chosen");
  });

  it("says the range, the insight timestamp it bounds and the tenants", () => {
    expect(scopeSummary(widget, name)).toBe("Last 7 days by creation time · All tenants");
    expect(scopeSummary({ ...widget, lifecycle: "closed", range: "all", tenants: { ids: ["t2"] } }, name)).toBe(
      "All time by closing time · Globex",
    );
  });

  it("leaves out what a widget does not use", () => {
    expect(scopeSummary({ ...widget, type: "node-health" }, name)).toBe("Now · All tenants");
    expect(scopeSummary({ ...widget, type: "push-outcomes", range: "30d" }, name)).toBe("Last 30 days · All tenants");
  });
});

describe("widget field errors from the hub", () => {
  const issues = [
    { path: "widgets.2.title", message: "must not be empty" },
    { path: "widgets.2.tenants.ids", message: "choose at least one tenant" },
    { path: "widgets.2.layout.w", message: "Too big" },
    { path: "widgets.1.title", message: "someone else's" },
    { path: "widgets.2.id", message: "bad id" },
    { path: "widgets", message: "widget ids must be unique" },
  ];

  it("puts each issue of the saved widget under its field", () => {
    expect(widgetFieldErrors(issues, "widgets.2")).toEqual({
      title: "must not be empty",
      tenants: "choose at least one tenant",
      width: "Too big",
      form: "id: bad id",
    });
  });

  it("reads a preview's issues the same way", () => {
    expect(widgetFieldErrors([{ path: "widget.range", message: "Invalid option" }], "widget")).toEqual({ range: "Invalid option" });
  });
});
