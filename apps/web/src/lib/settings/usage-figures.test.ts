import { describe, expect, it } from "vitest";
import { formatBytes, percentOfCap, usageSeries } from "./usage-figures";

const usage = {
  tenantId: "tnt_1",
  dailyVolumeGb: 1,
  capBytes: 1_000_000_000,
  utilizationMetrics: true,
  today: { day: "2030-01-16", count: 3, bytes: 250_000_000, capReached: false, resetsAt: "2030-01-17T00:00:00.000Z" },
  days: [
    { day: "2030-01-15", count: 2, bytes: 4_600 },
    { day: "2030-01-16", count: 3, bytes: 250_000_000 },
  ],
};

describe("usage figures", () => {
  it("says bytes in decimal units, as the cap counts them", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(4_600)).toBe("4.6 kB");
    expect(formatBytes(1_000_000_000)).toBe("1 GB");
    expect(formatBytes(1_250_000_000)).toBe("1.25 GB");
  });

  it("charts insights and kilobytes per day, and the share of today's cap", () => {
    expect(usageSeries(usage)).toEqual({
      kind: "series",
      bucket: "day",
      buckets: ["2030-01-15T00:00:00.000Z", "2030-01-16T00:00:00.000Z"],
      series: [
        { key: "count", label: "Insights", values: [2, 3] },
        { key: "kb", label: "Kilobytes", values: [5, 250_000] },
      ],
    });
    expect(percentOfCap(usage)).toBe(25);
  });
});
