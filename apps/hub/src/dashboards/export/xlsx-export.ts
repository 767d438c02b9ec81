import type { Widget, WidgetData, WidgetResult, WidgetType } from "@canopy/api";
import type ExcelJS from "exceljs";
import { lifecycleText, rangeText, tenantsText, type DashboardExport } from "./export-model.js";
import { sheetNames } from "./sheet-names.js";

type Cell = string | number | Date | null;

/** A sheet's content before it is written: header labels, which columns are dates, rows. */
interface SheetTable {
  columns: { header: string; date?: boolean }[];
  rows: Cell[][];
  /** Tables get a filter on their header row. */
  filter: boolean;
}

const SUMMARY = "Summary";
const DATE_FORMAT = "yyyy-mm-dd hh:mm";
const WIDTH_MIN = 8;
const WIDTH_MAX = 60;

/** What the first column of a counts sheet holds. */
const COUNT_LABEL: Partial<Record<WidgetType, string>> = {
  "status-counts": "Status",
  "severity-counts": "Severity",
  "top-rules": "Rule",
  "top-techniques": "Technique",
  "push-outcomes": "Result",
};

const dateOf = (iso: string | number | null | undefined): Date | null => (typeof iso === "string" ? new Date(iso) : null);

function sheetTable(widget: Widget, data: WidgetData): SheetTable {
  switch (data.kind) {
    case "counts": {
      const withKey = widget.type === "top-rules";
      return {
        columns: [{ header: COUNT_LABEL[widget.type] ?? "Label" }, { header: "Count" }, ...(withKey ? [{ header: "Rule id" }] : [])],
        rows: data.rows.map((row) => [row.label, row.value, ...(withKey ? [row.key] : [])]),
        filter: false,
      };
    }
    case "series":
      return {
        columns: [{ header: `${data.bucket[0]!.toUpperCase()}${data.bucket.slice(1)} starting (UTC)`, date: true }, ...data.series.map((s) => ({ header: s.label })), { header: "Total" }],
        rows: data.buckets.map((bucket, i) => {
          const values = data.series.map((s) => s.values[i] ?? 0);
          return [new Date(bucket), ...values, values.reduce((a, b) => a + b, 0)];
        }),
        filter: false,
      };
    case "table":
      return {
        columns: data.columns.map((column) => ({ header: column.date ? `${column.label} (UTC)` : column.label, date: column.date === true })),
        rows: data.rows.map((row) =>
          data.columns.map((column) => {
            const value = row[column.key];
            if (column.date) return dateOf(value);
            if (column.numeric) return typeof value === "number" ? value : null;
            return value === null || value === undefined ? null : String(value);
          }),
        ),
        filter: true,
      };
  }
}

function widthOf(value: ExcelJS.CellValue): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Date) return DATE_FORMAT.length;
  return String(value).length;
}

/** Widths that fit each column's longest value, within bounds. */
function fitWidths(sheet: ExcelJS.Worksheet): void {
  for (let i = 1; i <= sheet.columnCount; i++) {
    const column = sheet.getColumn(i);
    let width = 0;
    column.eachCell({ includeEmpty: false }, (cell) => {
      width = Math.max(width, widthOf(cell.value));
    });
    column.width = Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, width + 2));
  }
}

/** Appends a bold header row and the rows, with dates as dates (formatted) and numbers as numbers. */
function writeTable(sheet: ExcelJS.Worksheet, table: SheetTable): void {
  const header = sheet.addRow(table.columns.map((column) => column.header));
  header.font = { bold: true };
  for (const row of table.rows) {
    const added = sheet.addRow(row);
    table.columns.forEach((column, i) => {
      if (column.date) added.getCell(i + 1).numFmt = DATE_FORMAT;
    });
  }
  if (table.filter && table.columns.length > 0) {
    sheet.autoFilter = { from: { row: header.number, column: 1 }, to: { row: header.number, column: table.columns.length } };
  }
}

function summaryTable(doc: DashboardExport, names: readonly string[]): SheetTable {
  const widgets = doc.dashboard.widgets;
  return {
    columns: [
      { header: "Sheet" },
      { header: "Widget" },
      { header: "Type" },
      { header: "Range" },
      { header: "Lifecycle" },
      { header: "Tenants" },
      { header: "From (UTC)", date: true },
      { header: "To (UTC)", date: true },
    ],
    rows: widgets.map((widget, i) => {
      const result: WidgetResult | undefined = doc.results[i];
      return [names[i]!, widget.title, widget.type, rangeText(widget), lifecycleText(widget) || null, tenantsText(widget, doc.tenantNames), dateOf(result?.from), dateOf(result?.to)];
    }),
    filter: false,
  };
}

/** The dashboard as an .xlsx workbook: a Summary sheet, then one sheet per widget with its figures. */
export async function dashboardXlsx(doc: DashboardExport): Promise<Buffer> {
  // Loaded on the first export, not at start: exceljs alone costs the hub ~0.5 s of CPU before it listens.
  const { default: Excel } = await import("exceljs");
  const workbook = new Excel.Workbook();
  workbook.creator = "Canopy";
  workbook.title = doc.dashboard.name;
  workbook.created = new Date(doc.generatedAt);
  const names = sheetNames(
    doc.dashboard.widgets.map((widget) => widget.title),
    [SUMMARY],
  );

  const summary = workbook.addWorksheet(SUMMARY);
  for (const [label, value] of [
    ["Dashboard", doc.dashboard.name],
    ["Exported by", doc.user],
    ["Generated at (UTC)", new Date(doc.generatedAt)],
  ] as const) {
    summary.addRow([label, value]).getCell(1).font = { bold: true };
  }
  summary.getCell("B3").numFmt = DATE_FORMAT;
  summary.addRow([]);
  writeTable(summary, summaryTable(doc, names));
  fitWidths(summary);

  doc.dashboard.widgets.forEach((widget, i) => {
    const result = doc.results[i];
    if (!result) return;
    const sheet = workbook.addWorksheet(names[i]!, { views: [{ state: "frozen", ySplit: 1 }] });
    writeTable(sheet, sheetTable(widget, result.data));
    fitWidths(sheet);
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
