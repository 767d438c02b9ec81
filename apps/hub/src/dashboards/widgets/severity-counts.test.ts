import { describe, expect, it } from "vitest";
import { NOW, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

describe("severity-counts", () => {
  it("counts by severity, most severe first, zeros included", async () => {
    expect((await computeWidget(widget({ type: "severity-counts", range: "7d" }), sources(), NOW)).data).toEqual({
      kind: "counts",
      rows: [
        { key: "critical", label: "Critical", value: 1 },
        { key: "high", label: "High", value: 2 },
        { key: "medium", label: "Medium", value: 0 },
        { key: "low", label: "Low", value: 1 },
      ],
    });
  });

  it("follows range, lifecycle and tenants", async () => {
    const values = async (fields: Parameters<typeof widget>[0]) =>
      ((await computeWidget(widget(fields), sources(), NOW)).data as { rows: { value: number }[] }).rows.map((r) => r.value);
    expect(await values({ type: "severity-counts", range: "all" })).toEqual([2, 2, 1, 1]);
    expect(await values({ type: "severity-counts", range: "30d", tenants: { ids: ["tnt_globex"] } })).toEqual([0, 1, 1, 0]);
    expect(await values({ type: "severity-counts", range: "24h", lifecycle: "closed" })).toEqual([0, 0, 1, 0]);
  });
});
