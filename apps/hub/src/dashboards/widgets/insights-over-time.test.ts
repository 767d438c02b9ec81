import { describe, expect, it } from "vitest";
import { DAY, HOUR, NOW, insight, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

type Series = { kind: "series"; bucket: string; buckets: string[]; series: { key: string; label: string; values: number[] }[] };
const series = async (fields: Parameters<typeof widget>[0], data = sources()) => (await computeWidget(widget(fields), data, NOW)).data as Series;
const valuesOf = (data: Series, key: string) => data.series.find((s) => s.key === key)!.values;
const total = (data: Series) => data.series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);

describe("insights-over-time", () => {
  it("24h: hourly buckets, every one present, one series per severity", async () => {
    const data = await series({ type: "insights-over-time", range: "24h" });
    expect(data.bucket).toBe("hour");
    expect(data.buckets).toHaveLength(24);
    expect(data.buckets[0]).toBe("2030-01-14T12:00:00.000Z");
    expect(data.buckets[23]).toBe("2030-01-15T11:00:00.000Z");
    expect(data.series.map((s) => s.key)).toEqual(["critical", "high", "medium", "low"]);
    for (const s of data.series) expect(s.values).toHaveLength(24);
    // a1 at 11:30 (critical), a2 at 10:00 and b3 at 07:00 (high); nothing else.
    expect(valuesOf(data, "critical")[23]).toBe(1);
    expect(valuesOf(data, "high")[22]).toBe(1);
    expect(valuesOf(data, "high")[19]).toBe(1);
    expect(total(data)).toBe(3);
    expect(valuesOf(data, "medium").every((v) => v === 0)).toBe(true);
  });

  it("chooses the bucket from the range", async () => {
    expect(await series({ type: "insights-over-time", range: "1h" })).toMatchObject({ bucket: "minute", buckets: { length: 60 } });
    expect(await series({ type: "insights-over-time", range: "7d" })).toMatchObject({ bucket: "hour", buckets: { length: 168 } });
    // 30 days from 12:00: the first day bucket starts at midnight, so 31 buckets.
    const month = await series({ type: "insights-over-time", range: "30d" });
    expect(month).toMatchObject({ bucket: "day", buckets: { length: 31 } });
    expect(month.buckets[0]).toBe("2029-12-16T00:00:00.000Z");
    const year = await series({ type: "insights-over-time", range: "365d" });
    expect(year.bucket).toBe("week");
    // Weeks start on Mondays (2030-01-14 is one).
    expect(year.buckets.at(-1)).toBe("2030-01-14T00:00:00.000Z");
    expect(new Date(year.buckets[0]!).getUTCDay()).toBe(1);
  });

  it("1h: the insight 30 minutes ago is in minute 30", async () => {
    const data = await series({ type: "insights-over-time", range: "1h" });
    expect(valuesOf(data, "critical")[30]).toBe(1);
    expect(total(data)).toBe(1);
  });

  it("all time starts at the earliest insight counted", async () => {
    const data = await series({ type: "insights-over-time", range: "all" });
    expect(data.bucket).toBe("day");
    expect(data.buckets[0]).toBe(new Date(Math.floor((NOW - 40 * DAY) / DAY) * DAY).toISOString());
    expect(valuesOf(data, "critical")[0]).toBe(1);
    expect(total(data)).toBe(6);
  });

  it("all time without insights still draws a day of zeros", async () => {
    const data = await series({ type: "insights-over-time", range: "all" }, sources({ insights: [] }));
    expect(data.bucket).toBe("hour");
    expect(data.buckets).toHaveLength(24);
    expect(total(data)).toBe(0);
  });

  it("follows lifecycle and tenants", async () => {
    const closed = await series({ type: "insights-over-time", range: "7d", lifecycle: "closed" });
    expect(total(closed)).toBe(2);
    expect(valuesOf(closed, "low")[168 - 48]).toBe(1);
    expect(total(await series({ type: "insights-over-time", range: "24h", tenants: { ids: ["tnt_globex"] } }))).toBe(1);
  });

  it("an insight at the window's start counts, one before it does not; one stamped now or later (a fast agent clock) is in the last bucket", async () => {
    const edge = [
      insight({ tenantId: "t", localId: "before", createdAt: NOW - HOUR - 1, severity: "low" }),
      insight({ tenantId: "t", localId: "start", createdAt: NOW - HOUR, severity: "low" }),
      insight({ tenantId: "t", localId: "now", createdAt: NOW, severity: "low" }),
      insight({ tenantId: "t", localId: "ahead", createdAt: NOW + 10 * 60_000, severity: "high" }),
    ];
    const data = await series({ type: "insights-over-time", range: "1h" }, sources({ insights: edge }));
    expect(valuesOf(data, "low")[0]).toBe(1);
    expect(valuesOf(data, "low")[59]).toBe(1);
    expect(valuesOf(data, "high")[59]).toBe(1);
    expect(valuesOf(data, "high")).toHaveLength(60);
    expect(total(data)).toBe(3);
    const allTime = await series({ type: "insights-over-time", range: "all" }, sources({ insights: edge }));
    expect(total(allTime)).toBe(4);
  });
});
