import type { WidgetData } from "@canopy/api";

export type CountsData = Extract<WidgetData, { kind: "counts" }>;
export type SeriesData = Extract<WidgetData, { kind: "series" }>;
export type TableData = Extract<WidgetData, { kind: "table" }>;
export type Bucket = SeriesData["bucket"];

const numberFormat = new Intl.NumberFormat("en");
export const formatNumber = (value: number): string => numberFormat.format(value);

const BUCKET_FORMATS: Record<Bucket, Intl.DateTimeFormatOptions> = {
  minute: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  hour: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  day: { month: "short", day: "numeric" },
  week: { month: "short", day: "numeric" },
};

/** A bucket's start as people say it: "14:05", "Jan 31, 14:00", "Jan 31", "week of Jan 27". */
export function bucketLabel(iso: string, bucket: Bucket, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const text = new Intl.DateTimeFormat("en", { ...BUCKET_FORMATS[bucket], ...(timeZone ? { timeZone } : {}) }).format(at);
  return bucket === "week" ? `week of ${text}` : text;
}

export function countsTotal(data: CountsData): number {
  return data.rows.reduce((sum, row) => sum + row.value, 0);
}

export function seriesTotal(data: SeriesData): number {
  return data.series.reduce((sum, line) => sum + line.values.reduce((a, b) => a + b, 0), 0);
}

/** Nothing to draw: no rows, or only zeros (an empty chart would look broken, so say so instead). */
export function isEmpty(data: WidgetData): boolean {
  if (data.kind === "counts") return data.rows.length === 0 || countsTotal(data) === 0;
  if (data.kind === "series") return data.buckets.length === 0 || seriesTotal(data) === 0;
  return data.rows.length === 0;
}

/** The figures in one sentence, for a chart's accessible name: "New 12, In progress 3, Closed 5". */
export function countsSentence(data: CountsData): string {
  return data.rows.map((row) => `${row.label} ${formatNumber(row.value)}`).join(", ");
}

export function seriesSentence(data: SeriesData): string {
  const span =
    data.buckets.length > 0
      ? ` from ${bucketLabel(data.buckets[0]!, data.bucket)} to ${bucketLabel(data.buckets.at(-1)!, data.bucket)}`
      : "";
  const totals = data.series.map((line) => `${line.label} ${formatNumber(line.values.reduce((a, b) => a + b, 0))}`).join(", ");
  return `Totals per ${data.bucket}${span}: ${totals}`;
}
