import type { Widget, WidgetResult } from "@canopy/api";
import PDFDocument from "pdfkit";
import { scopeLine, utcText, type DashboardExport } from "./export-model.js";
import { INK, MUTED, RULE } from "./palette.js";
import { SERIES_HEIGHT, barsHeight, drawBars, drawSeries } from "./pdf-charts.js";
import { BOLD, CONTENT_WIDTH, FONT, MARGIN, ensureSpace, put } from "./pdf-layout.js";
import { drawTable } from "./pdf-table.js";

const HEADING = 34;
const GAP = 18;
// A table starts on a new page unless its header and a few rows fit.
const TABLE_START = 5 * 13;

function titlePage(doc: PDFKit.PDFDocument, file: DashboardExport): void {
  doc.font(FONT).fontSize(9).fillColor(MUTED);
  put(doc, "Canopy · MSSP dashboard", MARGIN, MARGIN);
  doc.font(BOLD).fontSize(20).fillColor(INK);
  put(doc, file.dashboard.name, MARGIN, MARGIN + 14, { width: CONTENT_WIDTH });
  doc.font(FONT).fontSize(9).fillColor(MUTED);
  const count = file.dashboard.widgets.length;
  put(doc, `Exported by ${file.user} on ${utcText(new Date(file.generatedAt).toISOString())} · ${count} widget${count === 1 ? "" : "s"}`, MARGIN, MARGIN + 40, {
    width: CONTENT_WIDTH,
  });
  doc.lineWidth(0.8).strokeColor(RULE).moveTo(MARGIN, MARGIN + 56).lineTo(MARGIN + CONTENT_WIDTH, MARGIN + 56).stroke();
  doc.y = MARGIN + 72;
}

function widgetSection(doc: PDFKit.PDFDocument, widget: Widget, result: WidgetResult, names: ReadonlyMap<string, string>): void {
  const data = result.data;
  const body = data.kind === "counts" ? barsHeight(data.rows.length) : data.kind === "series" ? SERIES_HEIGHT : TABLE_START;
  ensureSpace(doc, HEADING + body);
  const top = doc.y;
  doc.font(BOLD).fontSize(12.5).fillColor(INK);
  put(doc, widget.title, MARGIN, top, { width: CONTENT_WIDTH });
  doc.font(FONT).fontSize(8).fillColor(MUTED);
  put(doc, scopeLine(widget, result, names), MARGIN, top + 16, { width: CONTENT_WIDTH });
  doc.y = top + HEADING;
  if (data.kind === "counts") doc.y += drawBars(doc, data, MARGIN, doc.y, CONTENT_WIDTH);
  else if (data.kind === "series") doc.y += drawSeries(doc, data, MARGIN, doc.y, CONTENT_WIDTH);
  else drawTable(doc, data, MARGIN, CONTENT_WIDTH, widget.title);
  doc.y += GAP;
}

/** "name · page 2 of 5" at the foot of every page, once the page count is known. */
function footers(doc: PDFKit.PDFDocument, name: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    doc.font(FONT).fontSize(7.5).fillColor(MUTED);
    put(doc, `${name} · page ${i - start + 1} of ${count}`, MARGIN, doc.page.height - MARGIN + 14, { width: CONTENT_WIDTH, align: "center" });
  }
}

/**
 * The dashboard as a PDF: a header, then each widget's title, scope (range, lifecycle,
 * tenants, window) and figures — bars for counts, lines for series, a paginated table for
 * tables. Charts are vector drawings and every figure is real text, so it can be searched and
 * extracted. Resolves with the whole file (a dashboard's figures are bounded: ≤ 24 widgets,
 * ≤ 200 buckets, one table row per tenant).
 */
export function dashboardPdf(file: DashboardExport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    bufferPages: true,
    info: { Title: file.dashboard.name, Author: file.user, Creator: "Canopy", CreationDate: new Date(file.generatedAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  titlePage(doc, file);
  file.dashboard.widgets.forEach((widget, i) => {
    const result = file.results[i];
    if (result) widgetSection(doc, widget, result, file.tenantNames);
  });
  if (file.dashboard.widgets.length === 0) {
    doc.font(FONT).fontSize(10).fillColor(MUTED);
    put(doc, "This dashboard has no widgets.", MARGIN, doc.y);
  }
  footers(doc, file.dashboard.name);
  doc.end();
  return done;
}
