import { describe, expect, it } from "vitest";
import { NOW, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

const counts = async (fields: Parameters<typeof widget>[0]) => (await computeWidget(widget(fields), sources(), NOW)).data;

describe("status-counts", () => {
  it("counts insights by status in a fixed order, every status present", async () => {
    expect(await counts({ type: "status-counts", range: "24h" })).toEqual({
      kind: "counts",
      rows: [
        { key: "new", label: "New", value: 2 },
        { key: "in_progress", label: "In progress", value: 1 },
        { key: "closed", label: "Closed", value: 0 },
      ],
    });
  });

  it("the range bounds the lifecycle's timestamp", async () => {
    const values = async (fields: Parameters<typeof widget>[0]) => ((await counts(fields)) as { rows: { value: number }[] }).rows.map((r) => r.value);
    expect(await values({ type: "status-counts", range: "7d" })).toEqual([2, 1, 1]);
    expect(await values({ type: "status-counts", range: "all" })).toEqual([3, 1, 2]);
    // Updated in [now - 1h, now): a1 (10 min ago), b1 (closed 20 min ago), and a2, updated exactly at the window's start.
    expect(await values({ type: "status-counts", range: "1h", lifecycle: "updated" })).toEqual([1, 1, 1]);
    // Closed in the last 7 days: a3 and b1; open insights have no closing time and never count.
    expect(await values({ type: "status-counts", range: "7d", lifecycle: "closed" })).toEqual([0, 0, 2]);
    expect(await values({ type: "status-counts", range: "1h", lifecycle: "closed" })).toEqual([0, 0, 1]);
  });

  it("counts only the chosen tenants", async () => {
    const only = async (ids: string[]) => ((await counts({ type: "status-counts", tenants: { ids } })) as { rows: { value: number }[] }).rows.map((r) => r.value);
    expect(await only(["tnt_acme"])).toEqual([1, 1, 1]);
    expect(await only(["tnt_globex"])).toEqual([2, 0, 1]);
    expect(await only(["tnt_initech"])).toEqual([0, 0, 0]);
  });

  it("reports the window it covers", async () => {
    const result = await computeWidget(widget({ type: "status-counts", range: "24h" }), sources(), NOW);
    expect(result).toMatchObject({ widgetId: "status-counts", from: "2030-01-14T12:00:00.000Z", to: "2030-01-15T12:00:00.000Z", computedAt: "2030-01-15T12:00:00.000Z" });
    expect((await computeWidget(widget({ type: "status-counts", range: "all" }), sources(), NOW)).from).toBeNull();
  });
});
