import type { Widget } from "@canopy/api";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { NOW, RecordingPushes, TENANTS, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidgets } from "../compute-widget.js";
import { defaultWidgets } from "../default-widgets.js";
import type { DashboardExport } from "./export-model.js";
import { dashboardXlsx } from "./xlsx-export.js";

async function exportOf(widgets: Widget[] = defaultWidgets().map((w) => ({ ...w, range: "all" as const }))): Promise<DashboardExport> {
  const data = sources({ pushes: new RecordingPushes({ applied: 40, failed: 3 }) });
  return {
    dashboard: { id: "dsh_1", name: "SOC morning", widgets },
    results: await computeWidgets(widgets, data, NOW),
    user: "ana@mssp.example",
    generatedAt: NOW,
    tenantNames: new Map(TENANTS.map((t) => [t.id, t.name])),
  };
}

async function workbookOf(file: DashboardExport): Promise<ExcelJS.Workbook> {
  const buffer = await dashboardXlsx(file);
  // A real .xlsx is a zip archive.
  expect(buffer.subarray(0, 2).toString("latin1")).toBe("PK");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

const rowValues = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as unknown[]).slice(1);

describe("dashboardXlsx", () => {
  it("a Summary sheet, then a sheet per widget named after its title", async () => {
    const workbook = await workbookOf(await exportOf());
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "Summary",
      "Insights by status",
      "Insights by severity",
      "Push outcomes",
      "Insights over time",
      "Node health",
      "Insights per tenant",
      "Top rules",
      "Top techniques",
    ]);
    const summary = workbook.getWorksheet("Summary")!;
    expect(rowValues(summary, 1)).toEqual(["Dashboard", "SOC morning"]);
    expect(rowValues(summary, 2)).toEqual(["Exported by", "ana@mssp.example"]);
    expect(summary.getCell("B3").value).toEqual(new Date(NOW));
    expect(rowValues(summary, 5)).toEqual(["Sheet", "Widget", "Type", "Range", "Lifecycle", "Tenants", "From (UTC)", "To (UTC)"]);
    expect(summary.getRow(5).font?.bold).toBe(true);
    expect(rowValues(summary, 6)).toEqual(["Insights by status", "Insights by status", "status-counts", "All time", "by creation time", "All tenants", undefined, new Date(NOW)]);
    expect(rowValues(summary, 10).slice(0, 5)).toEqual(["Node health", "Node health", "node-health", "Now", undefined]);
  });

  it("counts as label and number, header bold and frozen", async () => {
    const workbook = await workbookOf(await exportOf());
    const status = workbook.getWorksheet("Insights by status")!;
    expect(status.getRow(1).font?.bold).toBe(true);
    expect(status.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect([1, 2, 3, 4].map((r) => rowValues(status, r))).toEqual([
      ["Status", "Count"],
      ["New", 3],
      ["In progress", 1],
      ["Closed", 2],
    ]);
    expect(rowValues(workbook.getWorksheet("Push outcomes")!, 2)).toEqual(["Applied", 40]);
    expect(rowValues(workbook.getWorksheet("Top rules")!, 2)).toEqual(["Mimikatz", 2, "r1"]);
    expect(rowValues(workbook.getWorksheet("Top techniques")!, 2)).toEqual(["T1059", 3]);
  });

  it("series with bucket starts as dates and a total column", async () => {
    const workbook = await workbookOf(await exportOf());
    const sheet = workbook.getWorksheet("Insights over time")!;
    expect(rowValues(sheet, 1)).toEqual(["Day starting (UTC)", "Critical", "High", "Medium", "Low", "Total"]);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBeInstanceOf(Date);
    expect(first.getCell(1).numFmt).toBe("yyyy-mm-dd hh:mm");
    let total = 0;
    sheet.eachRow((row, n) => {
      if (n > 1) total += row.getCell(6).value as number;
    });
    expect(total).toBe(6);
  });

  it("tables with numbers as numbers, dates as dates, empty cells empty, widths that fit", async () => {
    const workbook = await workbookOf(await exportOf());
    const tenants = workbook.getWorksheet("Insights per tenant")!;
    expect(rowValues(tenants, 1)).toEqual(["Tenant", "Agent", "Insights", "New", "In progress", "Closed", "Critical", "High"]);
    expect(rowValues(tenants, 2)).toEqual(["Acme", "online", 3, 1, 1, 1, 1, 1]);
    expect(rowValues(tenants, 3)).toEqual(["Globex", "offline", 3, 2, 0, 1, 1, 1]);
    // Excel's default width is 9, which exceljs leaves unwritten.
    expect(tenants.getColumn(1).width ?? 9).toBeGreaterThanOrEqual("Initech".length);

    const health = workbook.getWorksheet("Node health")!;
    expect(rowValues(health, 1)).toEqual(["Tenant", "Status", "Last seen (UTC)", "RTT (ms)", "Agent version", "Host"]);
    expect(rowValues(health, 2)).toEqual(["Globex", "offline", new Date("2030-01-14T08:00:00.000Z"), undefined, "1.3.2", "gx-01"]);
    expect(rowValues(health, 4)).toEqual(["Acme", "online", new Date("2030-01-15T11:59:50.000Z"), 12, "1.4.0", "acme-edge"]);
    expect(health.getCell("C2").numFmt).toBe("yyyy-mm-dd hh:mm");
    expect(health.getColumn(3).width).toBeGreaterThanOrEqual("Last seen (UTC)".length);
  });

  it("titles Excel cannot use as sheet names are cleaned and deduplicated", async () => {
    const widgets = [
      widget({ id: "a", type: "status-counts", title: "Status: [EU/US]?" }),
      widget({ id: "b", type: "status-counts", title: "Status: [EU/US]?" }),
      widget({ id: "c", type: "severity-counts", title: "Summary", tenants: { ids: ["tnt_acme", "tnt_globex"] } }),
    ];
    const workbook = await workbookOf(await exportOf(widgets));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Summary", "Status_ _EU_US__", "Status_ _EU_US__ (2)", "Summary (2)"]);
    expect(workbook.getWorksheet("Summary")!.getCell("F8").value).toBe("Tenants: Acme, Globex");
  });
});
