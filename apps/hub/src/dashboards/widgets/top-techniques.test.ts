import { describe, expect, it } from "vitest";
import { NOW, insight, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

describe("top-techniques", () => {
  it("techniques by insights naming them (once per insight), most first", async () => {
    expect((await computeWidget(widget({ type: "top-techniques" }), sources(), NOW)).data).toEqual({
      kind: "counts",
      rows: [
        { key: "T1059", label: "T1059", value: 3 },
        { key: "T1003", label: "T1003", value: 2 },
        { key: "T1110", label: "T1110", value: 1 },
      ],
    });
  });

  it("follows lifecycle and tenants", async () => {
    const rows = async (fields: Parameters<typeof widget>[0]) => ((await computeWidget(widget(fields), sources(), NOW)).data as { rows: unknown[] }).rows;
    expect(await rows({ type: "top-techniques", range: "24h", lifecycle: "updated", tenants: { ids: ["tnt_globex"] } })).toEqual([
      { key: "T1059", label: "T1059", value: 1 },
      { key: "T1110", label: "T1110", value: 1 },
    ]);
  });

  it("keeps the top ten", async () => {
    const techniques = Array.from({ length: 15 }, (_, i) => `T${1000 + i}`);
    const rows = ((await computeWidget(widget({ type: "top-techniques" }), sources({ insights: [insight({ tenantId: "t", localId: "x", techniques })] }), NOW)).data as { rows: unknown[] }).rows;
    expect(rows).toHaveLength(10);
  });
});
