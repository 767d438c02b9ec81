import type { WidgetData } from "@canopy/api";
import { GRID, INK, MUTED, RULE, colourOf } from "./palette.js";
import { BOLD, FONT, put, ticksFor } from "./pdf-layout.js";

type Counts = Extract<WidgetData, { kind: "counts" }>;
type Series = Extract<WidgetData, { kind: "series" }>;

const ROW = 18;
const BAR = 11;
const AXIS_LABELS = 14;

/** Height `drawBars` uses for `rows` rows. */
export const barsHeight = (rows: number): number => Math.max(1, rows) * ROW + AXIS_LABELS + 4;

/**
 * Horizontal bars, one per row: label on the left, the count as text at the bar's end, a value
 * axis with ticks underneath. Returns the height used.
 */
export function drawBars(doc: PDFKit.PDFDocument, data: Counts, x: number, y: number, width: number): number {
  doc.font(FONT).fontSize(8.5);
  if (data.rows.length === 0) {
    doc.fillColor(MUTED);
    put(doc, "No data in this window.", x, y + 4);
    return ROW;
  }
  const labelWidth = Math.min(190, width * 0.36);
  const valueWidth = 44;
  const plotX = x + labelWidth + 6;
  const plotWidth = width - labelWidth - 6 - valueWidth;
  const ticks = ticksFor(Math.max(...data.rows.map((row) => row.value)));
  const top = ticks[ticks.length - 1]!;
  const plotBottom = y + data.rows.length * ROW;

  doc.lineWidth(0.5);
  for (const tick of ticks) {
    const tx = plotX + (tick / top) * plotWidth;
    doc.strokeColor(GRID).moveTo(tx, y).lineTo(tx, plotBottom).stroke();
    doc.fillColor(MUTED).fontSize(7);
    put(doc, String(tick), tx - 20, plotBottom + 4, { width: 40, align: "center" });
  }
  doc.strokeColor(RULE).moveTo(plotX, y).lineTo(plotX, plotBottom).lineTo(plotX + plotWidth, plotBottom).stroke();

  data.rows.forEach((row, i) => {
    const rowY = y + i * ROW;
    const length = (row.value / top) * plotWidth;
    doc.fontSize(8.5).fillColor(INK);
    put(doc, row.label, x, rowY + (ROW - 8.5) / 2, { width: labelWidth, align: "right" });
    if (length > 0) doc.rect(plotX, rowY + (ROW - BAR) / 2, Math.max(length, 1), BAR).fill(colourOf(row.key, i));
    doc.font(BOLD).fillColor(INK);
    put(doc, String(row.value), plotX + length + 4, rowY + (ROW - 8.5) / 2, { width: valueWidth });
    doc.font(FONT);
  });
  return barsHeight(data.rows.length);
}

const PLOT_HEIGHT = 140;
const Y_LABELS = 34;
const LEGEND = 16;
export const SERIES_HEIGHT = PLOT_HEIGHT + AXIS_LABELS + 6 + LEGEND * 2;

function bucketLabel(iso: string, bucket: Series["bucket"]): string {
  if (bucket === "minute" || bucket === "hour") return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(0, 10);
}

/** About `count` evenly spread indexes from 0 to n - 1, both ends included. */
function labelIndexes(n: number, count = 6): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1))))];
}

/**
 * Lines with a light area under each, one per series, over time buckets; y axis of counts,
 * x axis of bucket times (UTC), and a legend with each series' total and the peak as text.
 */
export function drawSeries(doc: PDFKit.PDFDocument, data: Series, x: number, y: number, width: number): number {
  const plotX = x + Y_LABELS;
  const plotWidth = width - Y_LABELS - 8;
  const plotBottom = y + PLOT_HEIGHT;
  const n = data.buckets.length;
  const ticks = ticksFor(Math.max(0, ...data.series.flatMap((s) => s.values)), 4);
  const top = ticks[ticks.length - 1]!;
  const xAt = (i: number) => (n === 1 ? plotX + plotWidth / 2 : plotX + (i * plotWidth) / (n - 1));
  const yAt = (value: number) => plotBottom - (value / top) * PLOT_HEIGHT;

  doc.font(FONT).fontSize(7).lineWidth(0.5);
  for (const tick of ticks) {
    doc.strokeColor(GRID).moveTo(plotX, yAt(tick)).lineTo(plotX + plotWidth, yAt(tick)).stroke();
    doc.fillColor(MUTED);
    put(doc, String(tick), x, yAt(tick) - 3.5, { width: Y_LABELS - 4, align: "right" });
  }
  doc.strokeColor(RULE).moveTo(plotX, y).lineTo(plotX, plotBottom).lineTo(plotX + plotWidth, plotBottom).stroke();
  for (const i of labelIndexes(n)) {
    doc.fillColor(MUTED);
    put(doc, bucketLabel(data.buckets[i]!, data.bucket), xAt(i) - 35, plotBottom + 4, { width: 70, align: "center" });
  }

  // Least severe first, so the most severe line is drawn on top.
  [...data.series].reverse().forEach((series) => {
    const colour = colourOf(series.key, data.series.indexOf(series));
    doc.save().fillOpacity(0.08).moveTo(xAt(0), plotBottom);
    series.values.forEach((value, i) => doc.lineTo(xAt(i), yAt(value)));
    doc.lineTo(xAt(n - 1), plotBottom).closePath().fill(colour).restore();
    doc.save().lineWidth(n > 60 ? 0.8 : 1.2).strokeColor(colour);
    series.values.forEach((value, i) => (i === 0 ? doc.moveTo(xAt(i), yAt(value)) : doc.lineTo(xAt(i), yAt(value))));
    if (n === 1) doc.circle(xAt(0), yAt(series.values[0] ?? 0), 1.5).fill(colour);
    else doc.stroke();
    doc.restore();
  });

  let legendX = plotX;
  const legendY = plotBottom + AXIS_LABELS + 6;
  doc.fontSize(8);
  data.series.forEach((series, i) => {
    const total = series.values.reduce((a, b) => a + b, 0);
    const text = `${series.label}: ${total}`;
    doc.rect(legendX, legendY + 1, 8, 8).fill(colourOf(series.key, i));
    doc.fillColor(INK);
    put(doc, text, legendX + 11, legendY + 1);
    legendX += 11 + doc.widthOfString(text) + 14;
  });
  const totals = data.buckets.map((_, i) => data.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const peak = totals.indexOf(Math.max(...totals));
  doc.fillColor(MUTED);
  put(
    doc,
    `Total: ${all} in ${n} ${data.bucket} bucket${n === 1 ? "" : "s"}${all > 0 ? `; peak ${totals[peak]} at ${bucketLabel(data.buckets[peak]!, data.bucket)} UTC` : ""}`,
    plotX,
    legendY + LEGEND,
    { width: plotWidth },
  );
  return SERIES_HEIGHT;
}
