import type { TenantUsage } from "@canopy/api";
import type { SeriesData } from "$lib/charts/chart-data";

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Bytes as people read a bill (powers of 1000): "1.25 GB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toFixed(unit > 0 && value < 10 ? 2 : value < 100 ? 1 : 0))} ${UNITS[unit]}`;
}

/** Kilobytes per day, for the utilization chart (whole insights are a few kB each). */
export function usageSeries(usage: TenantUsage): SeriesData {
  return {
    kind: "series",
    bucket: "day",
    buckets: usage.days.map((day) => `${day.day}T00:00:00.000Z`),
    series: [
      { key: "count", label: "Insights", values: usage.days.map((day) => day.count) },
      { key: "kb", label: "Kilobytes", values: usage.days.map((day) => Math.round(day.bytes / 1000)) },
    ],
  };
}

/** How much of today's cap is used, in whole percent (over 100 once the cap was passed). */
export function percentOfCap(usage: TenantUsage): number {
  return Math.floor((usage.today.bytes / usage.capBytes) * 100);
}
