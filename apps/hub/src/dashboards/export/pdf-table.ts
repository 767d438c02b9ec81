import type { WidgetData } from "@canopy/api";
import { HEADER_FILL, INK, MUTED, RULE } from "./palette.js";
import { BOLD, FONT, bottomOf, put } from "./pdf-layout.js";
import { utcText } from "./export-model.js";

type Table = Extract<WidgetData, { kind: "table" }>;

const SIZE = 7.5;
const ROW = 13;
const PAD = 4;
const MIN_COLUMN = 30;

function cellText(value: string | number | null | undefined, date: boolean | undefined): string {
  if (value === null || value === undefined) return "—";
  if (date && typeof value === "string") return utcText(value);
  return String(value);
}

/** Column widths from their content, scaled to fill `width`. */
function columnWidths(doc: PDFKit.PDFDocument, table: Table, cells: string[][], width: number): number[] {
  const natural = table.columns.map((column, i) => {
    doc.font(BOLD).fontSize(SIZE);
    let widest = doc.widthOfString(column.label);
    doc.font(FONT);
    for (const row of cells) widest = Math.max(widest, doc.widthOfString(row[i]!));
    return Math.max(MIN_COLUMN, widest + 2 * PAD);
  });
  const total = natural.reduce((a, b) => a + b, 0);
  return natural.map((w) => (w * width) / total);
}

/**
 * A table from `doc.y` down, as many pages as it takes: when a page is full the header row is
 * drawn again on the next one under "`title` (continued)". Numbers are right-aligned.
 */
export function drawTable(doc: PDFKit.PDFDocument, table: Table, x: number, width: number, title: string): void {
  const cells = table.rows.map((row) => table.columns.map((column) => cellText(row[column.key], column.date)));
  if (cells.length === 0) {
    doc.font(FONT).fontSize(8.5).fillColor(MUTED);
    put(doc, "No rows.", x, doc.y + 4);
    doc.y += ROW + 4;
    return;
  }
  const widths = columnWidths(doc, table, cells, width);
  const header = () => {
    doc.rect(x, doc.y, width, ROW).fill(HEADER_FILL);
    doc.font(BOLD).fontSize(SIZE).fillColor(INK);
    let cx = x;
    table.columns.forEach((column, i) => {
      put(doc, column.label, cx + PAD, doc.y + 3, { width: widths[i]! - 2 * PAD, align: column.numeric ? "right" : "left" });
      cx += widths[i]!;
    });
    doc.y += ROW;
  };

  header();
  doc.font(FONT).fontSize(SIZE);
  for (const row of cells) {
    if (doc.y + ROW > bottomOf(doc)) {
      doc.addPage();
      doc.font(BOLD).fontSize(8.5).fillColor(MUTED);
      put(doc, `${title} (continued)`, x, doc.y);
      doc.y += 14;
      header();
      doc.font(FONT).fontSize(SIZE);
    }
    doc.fillColor(INK);
    let cx = x;
    row.forEach((text, i) => {
      put(doc, text, cx + PAD, doc.y + 3, { width: widths[i]! - 2 * PAD, align: table.columns[i]!.numeric ? "right" : "left" });
      cx += widths[i]!;
    });
    doc.y += ROW;
    doc.lineWidth(0.3).strokeColor(RULE).moveTo(x, doc.y).lineTo(x + width, doc.y).stroke();
  }
}
