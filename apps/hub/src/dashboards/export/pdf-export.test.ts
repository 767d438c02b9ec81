import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Widget } from "@canopy/api";
import { afterAll, describe, expect, it } from "vitest";
import { NOW, RecordingPushes, TENANTS, insight, sources, widget } from "../../../test/dashboard-fixtures.js";
import type { TenantHealth } from "../dashboard-sources.js";
import { computeWidgets } from "../compute-widget.js";
import { defaultWidgets } from "../default-widgets.js";
import type { DashboardExport } from "./export-model.js";
import { dashboardPdf } from "./pdf-export.js";

const PDFTOTEXT = "/usr/bin/pdftotext";
const dir = mkdtempSync(join(tmpdir(), "canopy-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportOf(widgets: Widget[] = defaultWidgets().map((w) => ({ ...w, range: "all" as const })), data = sources({ pushes: new RecordingPushes({ applied: 40, failed: 3 }) })): Promise<DashboardExport> {
  return {
    dashboard: { id: "dsh_1", name: "SOC morning", widgets },
    results: await computeWidgets(widgets, data, NOW),
    user: "ana@mssp.example",
    generatedAt: NOW,
    tenantNames: new Map(data.tenants.all().map((t) => [t.id, t.name])),
  };
}

/** The PDF's text as poppler extracts it (whitespace collapsed); null where poppler is not installed. */
function textOf(pdf: Buffer, name: string): { text: string; pages: string[] } | null {
  if (!existsSync(PDFTOTEXT)) return null;
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const raw = execFileSync(PDFTOTEXT, ["-layout", file, "-"], { encoding: "utf8" });
  const pages = raw.split("\f").filter((page) => page.trim() !== "").map((page) => page.replace(/\s+/g, " "));
  return { text: pages.join(" "), pages };
}

describe("dashboardPdf", () => {
  it("a real PDF with every widget's title, scope and figures as text", async () => {
    const pdf = await dashboardPdf(await exportOf());
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.subarray(-6).toString("latin1")).toContain("%%EOF");
    const extracted = textOf(pdf, "overview");
    if (!extracted) return;
    const { text } = extracted;
    expect(text).toContain("SOC morning");
    expect(text).toContain("Exported by ana@mssp.example on 2030-01-15 12:00 UTC · 8 widgets");
    for (const title of ["Insights by status", "Insights by severity", "Push outcomes", "Insights over time", "Node health", "Insights per tenant", "Top rules", "Top techniques"]) {
      expect(text).toContain(title);
    }
    expect(text).toContain("All time by creation time · All tenants · since the start to 2030-01-15 12:00 UTC");
    expect(text).toMatch(/New 3 .*In progress 1 .*Closed 2/);
    expect(text).toMatch(/Applied 40 .*Unchanged 0 .*Failed 3/);
    expect(text).toContain("Critical: 2");
    expect(text).toContain("High: 2");
    expect(text).toContain("Total: 6 in");
    expect(text).toMatch(/Mimikatz 2 .*Suspicious PowerShell 2 .*Brute force 1/);
    expect(text).toMatch(/T1059 3 .*T1003 2 .*T1110 1/);
    expect(text).toMatch(/Acme online 3 1 1 1 1 1/);
    expect(text).toMatch(/Globex offline 2030-01-14 08:00 UTC — 1\.3\.2 gx-01/);
    expect(text).toMatch(/Acme online 2030-01-15 11:59 UTC 12 1\.4\.0 acme-edge/);
    expect(text).toContain("SOC morning · page 1 of");
  });

  it("a big tenant table runs over pages, its header repeated", async () => {
    const tenants: TenantHealth[] = Array.from({ length: 300 }, (_, i) => ({
      ...TENANTS[0]!,
      id: `tnt_${i}`,
      name: `Customer ${String(i).padStart(3, "0")}`,
    }));
    const insights = tenants.map((t, i) => insight({ tenantId: t.id, localId: `i${i}`, severity: "critical" }));
    const widgets = [widget({ id: "t", type: "tenant-table", title: "Every customer", range: "7d" })];
    const pdf = await dashboardPdf(await exportOf(widgets, sources({ tenants, insights })));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const extracted = textOf(pdf, "big-table");
    if (!extracted) return;
    const { pages, text } = extracted;
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(text).toContain("Customer 000 online 1 1 0 0 1 0");
    expect(text).toContain("Customer 299 online 1 1 0 0 1 0");
    expect(pages[1]).toContain("Every customer (continued) Tenant Agent Insights New In progress Closed Critical High");
    expect(pages.at(-1)).toContain(`page ${pages.length} of ${pages.length}`);
  });

  it("series of a single bucket, an empty dashboard and empty widgets still make a valid file", async () => {
    const widgets = [
      widget({ id: "r", type: "top-rules", title: "No rules" }),
      widget({ id: "n", type: "node-health", title: "No tenants" }),
      widget({ id: "s", type: "insights-over-time", title: "Quiet hour", range: "1h" }),
    ];
    const empty = sources({ insights: [], tenants: [] });
    for (const [name, file] of [
      ["empty-widgets", await exportOf(widgets, empty)],
      ["no-widgets", await exportOf([], empty)],
    ] as const) {
      const pdf = await dashboardPdf(file);
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const extracted = textOf(pdf, name);
      if (extracted && name === "empty-widgets") {
        expect(extracted.text).toContain("No data in this window.");
        expect(extracted.text).toContain("No rows.");
        expect(extracted.text).toContain("Total: 0 in 60 minute buckets");
      }
      if (extracted && name === "no-widgets") expect(extracted.text).toContain("This dashboard has no widgets.");
    }
  });
});
