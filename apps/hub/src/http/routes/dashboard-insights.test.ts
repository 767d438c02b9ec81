import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Widget } from "@canopy/api";
import { Insight, type InsightInput } from "@canopy/protocol";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../../test/fake-agent.js";
import { createTestHub, login, manualClock, ORIGIN, type Caller, type TestHub } from "../../../test/helpers.js";
import { createPostgresTestHub } from "../../../test/postgres-hub.js";

const NOW = Date.parse("2030-01-15T12:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), "canopy-dash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doc(id: string, fields: Partial<InsightInput> & Pick<InsightInput, "severity" | "status" | "createdAt">): InsightInput {
  return { id, title: `Insight ${id}`, updatedAt: fields.createdAt, revision: 1, ...fields };
}

const widget = (fields: Partial<Widget> & Pick<Widget, "id" | "type">): Widget => ({
  title: fields.type,
  range: "7d",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 6, h: 3 },
  ...fields,
});

/** Connects a fake agent for `tenantId` and has it upsert `insights` through the gateway, until the hub acks. */
async function agentSends(t: TestHub, admin: Caller, tenantId: string, insights: InsightInput[]): Promise<void> {
  const identity = await pairThroughApi(t.hub, admin, tenantId);
  const agent = new FakeAgent(await t.hub.services());
  await agent.hello(identity.agentId, identity.privateKey);
  agent.send({ type: "insights.upsert", seq: 1, insights: insights.map((input) => Insight.parse(input)) });
  expect(await agent.connection.next("insights.ack")).toMatchObject({ seq: 1 });
}

/** Figures from insights agents sent through the gateway into the hub's federated index. */
describe.each(["embedded", "postgres"] as const)("dashboards over the federated insights (%s)", (kind) => {
  let t: TestHub & { close?: () => Promise<void> };
  let admin: Caller;
  let acme: string;
  let globex: string;
  let dashboardId: string;
  beforeEach(async () => {
    const clock = manualClock(NOW);
    t = kind === "postgres" ? await createPostgresTestHub({ clock }) : await createTestHub({ clock });
    admin = await login(t.hub);
    acme = (await admin.post("/tenants", { name: "Acme" })).body.id;
    globex = (await admin.post("/tenants", { name: "Globex" })).body.id;
    await agentSends(t, admin, acme, [
      doc("a1", { severity: "critical", status: "new", createdAt: new Date(NOW - 30 * MINUTE), ruleId: "r1", ruleName: "Mimikatz", techniques: ["T1003"] }),
      doc("a2", { severity: "high", status: "in_progress", createdAt: new Date(NOW - 2 * HOUR), ruleId: "r1", ruleName: "Mimikatz", techniques: ["T1003", "T1059"] }),
      doc("a3", { severity: "low", status: "closed", createdAt: new Date(NOW - 3 * DAY), closedAt: new Date(NOW - 2 * DAY), updatedAt: new Date(NOW - 2 * DAY), ruleId: "r2", ruleName: "Encoded PowerShell", techniques: ["T1059"] }),
    ]);
    await agentSends(t, admin, globex, [
      doc("b1", { severity: "critical", status: "new", createdAt: new Date(NOW - 5 * HOUR), ruleId: "r2", ruleName: "Encoded PowerShell", techniques: ["T1059"] }),
      doc("b2", { severity: "medium", status: "closed", createdAt: new Date(NOW - 40 * DAY), closedAt: new Date(NOW - HOUR), updatedAt: new Date(NOW - HOUR) }),
    ]);
    clock.advance(1000);
    const widgets = [
      widget({ id: "status", type: "status-counts", title: "By status" }),
      widget({ id: "closed", type: "status-counts", title: "Closed today", range: "24h", lifecycle: "closed" }),
      widget({ id: "severity", type: "severity-counts", title: "Acme by severity", tenants: { ids: [acme] } }),
      widget({ id: "tenants", type: "tenant-table", title: "Per tenant", range: "all" }),
      widget({ id: "rules", type: "top-rules", title: "Top rules" }),
      widget({ id: "over-time", type: "insights-over-time", title: "Over time", range: "24h" }),
    ];
    dashboardId = (await admin.post("/dashboards", { name: "Insights", widgets })).body.id;
  });
  afterEach(() => (t.close ? t.close() : t.hub.close()));

  it("GET data counts what the agents sent, by range, lifecycle and tenant", async () => {
    const { widgets } = (await admin.get(`/dashboards/${dashboardId}/data`)).body;
    const values = (i: number) => widgets[i].data.rows.map((r: { value: number }) => r.value);
    expect(values(0)).toEqual([2, 1, 1]);
    expect(values(1)).toEqual([0, 0, 1]);
    expect(values(2)).toEqual([1, 1, 0, 1]);
    expect(widgets[3].data.rows.map((r: Record<string, unknown>) => [r.tenant, r.total, r.new, r.in_progress, r.closed, r.critical, r.high])).toEqual([
      ["Acme", 3, 1, 1, 1, 1, 1],
      ["Globex", 2, 1, 0, 1, 1, 0],
    ]);
    expect(widgets[4].data.rows).toEqual([
      { key: "r2", label: "Encoded PowerShell", value: 2 },
      { key: "r1", label: "Mimikatz", value: 2 },
    ]);
    const series = widgets[5].data;
    // The window is [12:00:01 yesterday, 12:00:01 today): 24 whole hours and the hour just begun.
    expect(series).toMatchObject({ bucket: "hour", buckets: { length: 25 } });
    expect(series.buckets.at(-1)).toBe("2030-01-15T12:00:00.000Z");
    expect(series.series.map((s: { values: number[] }) => s.values.reduce((a, b) => a + b, 0))).toEqual([2, 1, 0, 0]);
  });

  it("the exports carry the same figures", async () => {
    const get = async (ext: string) => Buffer.from(await (await t.hub.app.request(`/api/v1/dashboards/${dashboardId}/export.${ext}`, { headers: { cookie: admin.auth.cookie!, origin: ORIGIN } })).arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await get("xlsx")) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Summary", "By status", "Closed today", "Acme by severity", "Per tenant", "Top rules", "Over time"]);
    expect((workbook.getWorksheet("By status")!.getRow(2).values as unknown[]).slice(1)).toEqual(["New", 2]);
    expect((workbook.getWorksheet("Per tenant")!.getRow(2).values as unknown[]).slice(1)).toEqual(["Acme", "online", 3, 1, 1, 1, 1, 1]);
    expect(workbook.getWorksheet("Summary")!.getCell("F8").value).toBe("Tenants: Acme");

    const pdf = await get("pdf");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    if (!existsSync("/usr/bin/pdftotext")) return;
    writeFileSync(join(dir, "insights.pdf"), pdf);
    const text = execFileSync("/usr/bin/pdftotext", ["-layout", join(dir, "insights.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toMatch(/New 2 .*In progress 1 .*Closed 1/);
    expect(text).toContain("Tenants: Acme");
    expect(text).toMatch(/Acme online 3 1 1 1 1 1/);
    expect(text).toMatch(/Encoded PowerShell 2 .*Mimikatz 2/);
    expect(text).toContain("Critical: 2");
  });
});
