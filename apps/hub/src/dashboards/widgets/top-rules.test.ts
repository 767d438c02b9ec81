import { describe, expect, it } from "vitest";
import { NOW, insight, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

describe("top-rules", () => {
  it("rules by insights raised, most first, ties by name; insights without a rule are left out", async () => {
    expect((await computeWidget(widget({ type: "top-rules" }), sources(), NOW)).data).toEqual({
      kind: "counts",
      rows: [
        { key: "r1", label: "Mimikatz", value: 2 },
        { key: "r2", label: "Suspicious PowerShell", value: 2 },
        { key: "r3", label: "Brute force", value: 1 },
      ],
    });
  });

  it("follows range and tenants", async () => {
    const rows = async (fields: Parameters<typeof widget>[0]) => ((await computeWidget(widget(fields), sources(), NOW)).data as { rows: unknown[] }).rows;
    expect(await rows({ type: "top-rules", range: "24h" })).toEqual([
      { key: "r1", label: "Mimikatz", value: 2 },
      { key: "r3", label: "Brute force", value: 1 },
    ]);
    expect(await rows({ type: "top-rules", tenants: { ids: ["tnt_globex"] } })).toEqual([
      { key: "r3", label: "Brute force", value: 1 },
      { key: "r2", label: "Suspicious PowerShell", value: 1 },
    ]);
  });

  it("keeps the top ten", async () => {
    const many = Array.from({ length: 12 }, (_, rule) =>
      Array.from({ length: rule + 1 }, (_, n) => insight({ tenantId: "t", localId: `${rule}-${n}`, ruleId: `rule-${rule}`, ruleName: `Rule ${rule}` })),
    ).flat();
    const rows = ((await computeWidget(widget({ type: "top-rules" }), sources({ insights: many }), NOW)).data as { rows: { key: string; value: number }[] }).rows;
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ key: "rule-11", label: "Rule 11", value: 12 });
    expect(rows[9]).toEqual({ key: "rule-2", label: "Rule 2", value: 3 });
  });
});
