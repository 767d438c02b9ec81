import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestHub, login, loginAs, manualClock, ORIGIN, type Caller, type TestHub } from "../../../test/helpers.js";

const PDFTOTEXT = "/usr/bin/pdftotext";
const dir = mkdtempSync(join(tmpdir(), "canopy-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The raw bytes of a download (the JSON helpers would decode them as text). */
async function download(t: TestHub, caller: Caller, path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await t.hub.app.request(`/api/v1${path}`, { headers: { cookie: caller.auth.cookie!, origin: ORIGIN } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("dashboard exports", () => {
  let t: TestHub;
  let admin: Caller;
  let dashboard: { id: string; name: string; widgets: { title: string }[] };
  beforeEach(async () => {
    t = await createTestHub({ clock: manualClock() });
    admin = await login(t.hub);
    await admin.post("/tenants", { name: "Acme Rockets" });
    await admin.post("/tenants", { name: "Globex" });
    dashboard = (await admin.get("/dashboards")).body.items[0];
  });
  afterEach(() => t.hub.close());

  it("GET export.xlsx: a workbook download with a Summary and a sheet per widget", async () => {
    const res = await download(t, admin, `/dashboards/${dashboard.id}/export.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="MSSP overview 2030-01-15.xlsx"; filename*=UTF-8''MSSP%20overview%202030-01-15.xlsx`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Number(res.headers.get("content-length"))).toBe(res.bytes.length);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Summary", ...dashboard.widgets.map((w) => w.title)]);
    expect(workbook.getWorksheet("Summary")!.getCell("B2").value).toBe("admin@test.local");
    const health = workbook.getWorksheet("Node health")!;
    expect((health.getRow(2).values as unknown[]).slice(1, 3)).toEqual(["Acme Rockets", "unpaired"]);
    expect((health.getRow(3).values as unknown[]).slice(1, 3)).toEqual(["Globex", "unpaired"]);
    expect((workbook.getWorksheet("Insights per tenant")!.getRow(2).values as unknown[]).slice(1)).toEqual(["Acme Rockets", "unpaired", 0, 0, 0, 0, 0, 0]);

    const audit = (await admin.get("/audit?action=dashboard.export")).body.items;
    expect(audit[0]).toMatchObject({ actor: "admin@test.local", target: `dashboard:${dashboard.id}`, detail: { format: "xlsx", name: "MSSP overview" } });
  });

  it("GET export.pdf: a PDF download whose text has the titles and figures", async () => {
    const res = await download(t, admin, `/dashboards/${dashboard.id}/export.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="MSSP overview 2030-01-15\.pdf"/);
    expect(res.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect((await admin.get("/audit?action=dashboard.export")).body.items[0].detail).toMatchObject({ format: "pdf" });
    if (!existsSync(PDFTOTEXT)) return;
    const file = join(dir, "overview.pdf");
    writeFileSync(file, res.bytes);
    const text = execFileSync(PDFTOTEXT, ["-layout", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain("MSSP overview");
    expect(text).toContain("Exported by admin@test.local on 2030-01-15 12:00 UTC · 8 widgets");
    for (const widget of dashboard.widgets) expect(text).toContain(widget.title);
    expect(text).toMatch(/Acme Rockets unpaired — — — —/);
    expect(text).toMatch(/New 0 .*In progress 0 .*Closed 0/);
  });

  it("a viewer exports their own dashboard; a name with odd characters makes a safe filename", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const created = (await viewer.post("/dashboards", { name: "Q1 \"report\"/é", widgets: [] })).body;
    const res = await download(t, viewer, `/dashboards/${created.id}/export.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="Q1 _report_ 2030-01-15.xlsx"; filename*=UTF-8''Q1%20%22report%22%2F%C3%A9%202030-01-15.xlsx`);
    expect((await download(t, viewer, `/dashboards/${dashboard.id}/export.pdf`)).status).toBe(404);
  });
});
