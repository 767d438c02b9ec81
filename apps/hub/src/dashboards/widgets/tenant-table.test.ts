import { describe, expect, it } from "vitest";
import { NOW, insight, INSIGHTS, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

type Table = { kind: "table"; columns: { key: string; label: string; numeric: boolean }[]; rows: Record<string, unknown>[] };
const table = async (fields: Parameters<typeof widget>[0], data = sources()) => (await computeWidget(widget(fields), data, NOW)).data as Table;

describe("tenant-table", () => {
  it("a row per tenant with its agent status and counts, busiest first, tenants without insights too", async () => {
    const data = await table({ type: "tenant-table" });
    expect(data.columns.map((c) => c.label)).toEqual(["Tenant", "Agent", "Insights", "New", "In progress", "Closed", "Critical", "High"]);
    expect(data.columns.filter((c) => c.numeric).map((c) => c.key)).toEqual(["total", "new", "in_progress", "closed", "critical", "high"]);
    expect(data.rows).toEqual([
      { tenantId: "tnt_acme", tenant: "Acme", status: "online", total: 3, new: 1, in_progress: 1, closed: 1, critical: 1, high: 1 },
      { tenantId: "tnt_globex", tenant: "Globex", status: "offline", total: 3, new: 2, in_progress: 0, closed: 1, critical: 1, high: 1 },
      { tenantId: "tnt_initech", tenant: "Initech", status: "unpaired", total: 0, new: 0, in_progress: 0, closed: 0, critical: 0, high: 0 },
    ]);
  });

  it("follows range and lifecycle", async () => {
    const rows = (await table({ type: "tenant-table", range: "24h", lifecycle: "updated" })).rows;
    expect(rows.map((r) => [r.tenant, r.total, r.closed])).toEqual([
      ["Acme", 2, 0],
      ["Globex", 2, 1],
      ["Initech", 0, 0],
    ]);
  });

  it("only the chosen tenants, even those without insights", async () => {
    expect((await table({ type: "tenant-table", tenants: { ids: ["tnt_initech", "tnt_globex"] } })).rows.map((r) => [r.tenant, r.total])).toEqual([
      ["Globex", 3],
      ["Initech", 0],
    ]);
  });

  it("insights of a tenant the hub no longer has keep a row under its id", async () => {
    const data = await table({ type: "tenant-table" }, sources({ insights: [...INSIGHTS, insight({ tenantId: "tnt_gone", localId: "z", severity: "critical" })] }));
    expect(data.rows.find((r) => r.tenantId === "tnt_gone")).toMatchObject({ tenant: "tnt_gone", status: "unknown", total: 1, critical: 1 });
  });
});
