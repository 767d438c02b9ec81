import { describe, expect, it } from "vitest";
import { bucketLabel, countsSentence, isEmpty, seriesSentence, type CountsData, type SeriesData } from "./chart-data";
import { countsChart, seriesChart, seriesStyle } from "./chart-config";

const severities: CountsData = {
  kind: "counts",
  rows: [
    { key: "low", label: "Low", value: 4 },
    { key: "critical", label: "Critical", value: 1200 },
    { key: "something-else", label: "Other", value: 0 },
  ],
};

const overTime: SeriesData = {
  kind: "series",
  bucket: "day",
  buckets: ["2025-01-30T00:00:00.000Z", "2025-01-31T00:00:00.000Z"],
  series: [
    { key: "high", label: "High", values: [1, 2] },
    { key: "low", label: "Low", values: [0, 5] },
  ],
};

describe("charts from widget data", () => {
  it("colours severities as the badges do and anything else from the palette", () => {
    const config = countsChart(severities, "bars");
    expect(config.type).toBe("bar");
    expect(config.data.datasets[0]!.backgroundColor).toEqual(["#2563eb", "#b91c1c", "#7c3aed"]);
    expect(config.data.datasets[0]!.data).toEqual([4, 1200, 0]);
  });

  it("draws top lists as horizontal bars and parts of a whole as a doughnut", () => {
    expect(countsChart(severities, "horizontal-bars").options?.indexAxis).toBe("y");
    expect(countsChart(severities, "doughnut").type).toBe("doughnut");
  });

  it("draws dense series as areas and sparse ones as a histogram", () => {
    expect(seriesStyle(overTime)).toBe("areas");
    const sparse: SeriesData = { ...overTime, buckets: ["a", "b", "c", "d", "e"].map((_, i) => `2025-01-2${i}T00:00:00.000Z`), series: [{ key: "low", label: "Low", values: [0, 0, 3, 0, 0] }] };
    expect(seriesStyle(sparse)).toBe("bars");
    const config = seriesChart(sparse);
    expect(config.type).toBe("bar");
    expect(config.options?.scales?.y).toMatchObject({ stacked: true });
  });

  it("stacks dense series as areas, each filled down to the one below", () => {
    const config = seriesChart(overTime);
    expect(config.type).toBe("line");
    expect(config.data.datasets.map((set) => (set as { fill?: unknown }).fill)).toEqual(["origin", "-1"]);
    expect(config.data.labels).toEqual([bucketLabel(overTime.buckets[0]!, "day"), bucketLabel(overTime.buckets[1]!, "day")]);
  });

  it("says the figures in words for screen readers", () => {
    expect(countsSentence(severities)).toBe("Low 4, Critical 1,200, Other 0");
    expect(seriesSentence(overTime)).toMatch(/^Totals per day from .+ to .+: High 3, Low 5$/);
  });

  it("labels buckets as people say them", () => {
    expect(bucketLabel("2025-01-31T14:05:00.000Z", "minute", "UTC")).toBe("14:05");
    expect(bucketLabel("2025-01-31T00:00:00.000Z", "day", "UTC")).toBe("Jan 31");
    expect(bucketLabel("2025-01-27T00:00:00.000Z", "week", "UTC")).toBe("week of Jan 27");
  });

  it("knows when there is nothing to draw", () => {
    expect(isEmpty({ kind: "counts", rows: [{ key: "low", label: "Low", value: 0 }] })).toBe(true);
    expect(isEmpty(severities)).toBe(false);
    expect(isEmpty({ ...overTime, series: overTime.series.map((line) => ({ ...line, values: [0, 0] })) })).toBe(true);
    expect(isEmpty({ kind: "table", columns: [], rows: [] })).toBe(true);
  });
});
