import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Download, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSiemInsights, waitForHubInsights, type SiemInsight } from "../harness/agent-insights.js";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { pdfText } from "../harness/pdf-text.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;

const RULES = {
  lsass: { ruleId: "r-lsass", ruleName: "LSASS Memory Dump", tactics: ["credential-access"], techniques: ["T1003.001"] },
  powershell: { ruleId: "r-ps", ruleName: "Encoded PowerShell Command", tactics: ["execution"], techniques: ["T1059.001"] },
  share: { ruleId: "r-share", ruleName: "Admin Share Access", tactics: ["lateral-movement"], techniques: ["T1021.002"] },
  task: { ruleId: "r-task", ruleName: "Scheduled Task From Office", tactics: ["persistence"], techniques: ["T1053.005"] },
} as const;

type Severity = SiemInsight["severity"];
type Status = SiemInsight["status"];

/** Insights a tenant's SIEM found in the last hours: [severity, status, rule] each. */
function insights(prefix: string, specs: [Severity, Status, keyof typeof RULES][]): SiemInsight[] {
  const now = Date.now();
  return specs.map(([severity, status, rule], i) => ({
    id: `${prefix}-${String(i).padStart(3, "0")}`,
    title: `${RULES[rule].ruleName} on ${prefix.toUpperCase()}-WS-${i}`,
    severity,
    status,
    // Spread over the last days, so "Insights over time" has a shape (all inside its 7 days).
    createdAt: new Date(now - (i + 1) * 5 * 3_600_000).toISOString(),
    ...RULES[rule],
    hosts: [`${prefix}-ws-${i}`],
    users: [`user${i % 3}`],
  }));
}

// Acme: critical 3, high 4, medium 2, low 3 · new 6, in progress 4, closed 2 · 12 in all.
const ACME = insights("acme", [
  ["critical", "new", "lsass"],
  ["critical", "in_progress", "lsass"],
  ["critical", "new", "powershell"],
  ["high", "new", "lsass"],
  ["high", "in_progress", "powershell"],
  ["high", "closed", "share"],
  ["high", "new", "lsass"],
  ["medium", "in_progress", "powershell"],
  ["medium", "new", "share"],
  ["low", "closed", "lsass"],
  ["low", "in_progress", "powershell"],
  ["low", "new", "share"],
]);
// Globex: critical 1, high 2, medium 3, low 1 · new 5, in progress 1, closed 1 · 7 in all.
const GLOBEX = insights("globex", [
  ["critical", "new", "powershell"],
  ["high", "new", "task"],
  ["high", "in_progress", "powershell"],
  ["medium", "new", "task"],
  ["medium", "closed", "powershell"],
  ["medium", "new", "task"],
  ["low", "new", "powershell"],
]);

const ALL_SEVERITIES = { critical: 4, high: 6, medium: 5, low: 4 };
const ACME_SEVERITIES = { critical: 3, high: 4, medium: 2, low: 3 };
const ALL_STATUSES = { new: 11, in_progress: 5, closed: 3 };

// The MSSP dashboard as a person uses it, against a real hub and two agents that imported insights.
describe("MSSP dashboard in Chromium: widgets, editing, layout and exports", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let downloads: string;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];

  const card = (title: string): Locator => page.locator(`[data-testid="widget-card"][data-widget-title="${title}"]`);
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `canopy-${name}.png`), fullPage: true });

  /** A counts widget's figures by key, read from its text alternative (what a screen reader gets). */
  const figures = (scope: Locator) =>
    scope
      .locator('[data-testid="figure"]')
      .evaluateAll((rows) => Object.fromEntries(rows.map((row) => [(row as HTMLElement).dataset.key!, Number((row as HTMLElement).dataset.value)])));

  /** A table widget's rows as {first column: value of `column`}. */
  const tableColumn = (scope: Locator, column: string) =>
    scope.locator('[data-testid="table-row"]').evaluateAll(
      (rows, key) =>
        Object.fromEntries(
          rows.map((row) => [row.querySelector("th")!.textContent!.trim(), Number(row.querySelector<HTMLElement>(`[data-column="${key}"]`)!.dataset.value)]),
        ),
      column,
    );

  async function download(testid: string): Promise<{ file: string; name: string }> {
    await page.getByTestId("export-menu").click();
    const [file] = await Promise.all([page.waitForEvent("download") as Promise<Download>, page.getByTestId(testid).click()]);
    const name = file.suggestedFilename();
    const path = join(downloads, name);
    await file.saveAs(path);
    return { file: path, name };
  }

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    downloads = await mkdtemp(join(tmpdir(), "canopy-browser-downloads-"));
    await startOnlineAgents(api, hub.url, ["Acme Corp", "Globex Retail"], agents);
    await importSiemInsights(agents[0]!, ACME);
    await importSiemInsights(agents[1]!, GLOBEX);
    await waitForHubInsights(api, ACME.length + GLOBEX.length);

    // Reduced motion: charts draw at once (no animation), so a full-page picture, which resizes the
    // page while it is taken, never catches a chart between two layouts.
    ({ browser, page } = await openPage({
      timeout: UI_TIMEOUT,
      pageErrors,
      context: { viewport: { width: 1440, height: 1000 }, acceptDownloads: true, reducedMotion: "reduce" },
    }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents });
    if (downloads) await rm(downloads, { recursive: true, force: true });
  });

  it("opens Dashboards from the header and shows the default widgets with the imported figures", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-dashboards").click();
    await page.waitForURL(/\/dashboards$/);

    // The first visit makes the default dashboard.
    await expect.poll(() => page.locator("h1").textContent()).toBe("MSSP overview");
    await expect.poll(() => page.getByTestId("widget-card").count()).toBe(8);
    await expect.poll(() => page.locator('[data-testid="widget-card"][data-state="ready"]').count()).toBe(8);

    expect(await figures(card("Insights by severity"))).toEqual(ALL_SEVERITIES);
    expect(await figures(card("Insights by status"))).toEqual(ALL_STATUSES);
    expect(await card("Insights by severity").getByTestId("widget-scope").textContent()).toBe("Last 7 days by creation time · All tenants");
    expect(await tableColumn(card("Insights per tenant"), "total")).toEqual({ "Acme Corp": 12, "Globex Retail": 7 });
    expect(await tableColumn(card("Insights per tenant"), "critical")).toEqual({ "Acme Corp": 3, "Globex Retail": 1 });
    const topRules = await figures(card("Top rules"));
    expect(topRules).toEqual({ "r-ps": 8, "r-lsass": 5, "r-share": 3, "r-task": 3 });
    const overTime = await card("Insights over time")
      .locator('[data-testid="series-total"]')
      .evaluateAll((cells) => Object.fromEntries(cells.map((cell) => [(cell as HTMLElement).dataset.key!, Number((cell as HTMLElement).dataset.value)])));
    expect(overTime).toEqual(ALL_SEVERITIES);
    // Each chart is a canvas with its figures as its accessible name.
    expect(await card("Insights by status").locator('[role="img"]').getAttribute("aria-label")).toBe("Insights by status: New 11, In progress 5, Closed 3");
    expect(await card("Node health").locator('[data-testid="table-row"]').count()).toBe(2);
    expect(await card("Insights by status").getByTestId("widget-computed").textContent()).toMatch(/just now|\ds ago/);
    await shot("dashboard");
  });

  it("edits a widget: the hub's validation at the field, a live preview, then a new title and tenant that persist", async () => {
    await card("Insights by severity").getByTestId("widget-edit").click();
    const dialog = page.getByTestId("widget-dialog");
    const preview = dialog.getByTestId("widget-preview");
    await expect.poll(() => figures(preview)).toEqual(ALL_SEVERITIES);

    // An empty title is refused by the hub's preview, shown under Title, and Save waits for a fix.
    await dialog.getByTestId("widget-title-input").fill(" ");
    await expect.poll(() => dialog.getByTestId("field-error").first().textContent()).toBe("must not be empty");
    expect(await dialog.getByTestId("save-widget").isDisabled()).toBe(true);

    await dialog.getByTestId("widget-title-input").fill("Acme severity");
    await dialog.getByTestId("widget-tenants-chosen").check();
    // No tenant chosen yet: the hub says so at the Tenants field.
    await expect.poll(() => dialog.getByTestId("field-error").first().textContent()).toBe("choose at least one tenant");
    await dialog.locator('[data-testid="tenant-option"][data-tenant-name="Acme Corp"] input').check();
    await expect.poll(() => figures(preview)).toEqual(ACME_SEVERITIES);
    expect(await dialog.getByTestId("field-error").count()).toBe(0);
    await shot("widget-edit");

    await dialog.getByTestId("save-widget").click();
    await dialog.waitFor({ state: "detached" });
    expect(await card("Insights by severity").count()).toBe(0);
    await expect.poll(() => figures(card("Acme severity"))).toEqual(ACME_SEVERITIES);
    expect(await card("Acme severity").getByTestId("widget-scope").textContent()).toBe("Last 7 days by creation time · Acme Corp");

    await page.reload();
    await card("Acme severity").locator('[data-testid="figure"]').first().waitFor({ state: "attached" });
    expect(await figures(card("Acme severity"))).toEqual(ACME_SEVERITIES);
    expect(await card("Acme severity").getByTestId("widget-scope").textContent()).toBe("Last 7 days by creation time · Acme Corp");
    expect(await figures(card("Insights by status"))).toEqual(ALL_STATUSES);
  });

  it("arranges widgets: a taller widget and a swap are saved for the user", async () => {
    const cell = (title: string) => page.locator(".cell", { has: card(title) });
    expect(await cell("Insights by status").getAttribute("data-layout")).toBe("0,0,4,3");
    await page.getByTestId("arrange").click();
    await card("Insights by status").getByTestId("taller").click();
    await expect.poll(() => cell("Insights by status").getAttribute("data-layout")).toBe("0,0,4,4");
    // Moved up, the wide chart takes the top row; the widgets it passed go below it.
    await card("Insights over time").getByTestId("move-up").click();
    await expect.poll(() => cell("Insights over time").getAttribute("data-layout")).toBe("0,0,8,4");
    await page.getByTestId("arrange").click();
    await expect.poll(() => page.getByTestId("arrange").getAttribute("aria-pressed")).toBe("false");

    await page.reload();
    await card("Insights over time").waitFor();
    expect(await cell("Insights over time").getAttribute("data-layout")).toBe("0,0,8,4");
    expect(await cell("Insights by status").getAttribute("data-layout")).toMatch(/^0,\d+,4,4$/);
  });

  it("exports the dashboard as an .xlsx with a sheet per widget and its figures", async () => {
    const { file, name } = await download("export-xlsx");
    expect(name).toMatch(/^MSSP overview \d{4}-\d{2}-\d{2}\.xlsx$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((sheet) => sheet.name).sort()).toEqual(
      ["Summary", "Insights by status", "Acme severity", "Push outcomes", "Insights over time", "Node health", "Insights per tenant", "Top rules", "Top techniques"].sort(),
    );
    const rows = (sheet: string) => workbook.getWorksheet(sheet)!.getSheetValues().filter(Boolean).map((row) => (row as ExcelJS.CellValue[]).slice(1));
    expect(rows("Acme severity")).toEqual([
      ["Severity", "Count"],
      ["Critical", 3],
      ["High", 4],
      ["Medium", 2],
      ["Low", 3],
    ]);
    expect(rows("Insights by status")).toEqual([
      ["Status", "Count"],
      ["New", 11],
      ["In progress", 5],
      ["Closed", 3],
    ]);
    const perTenant = rows("Insights per tenant");
    expect(perTenant[0]).toEqual(["Tenant", "Agent", "Insights", "New", "In progress", "Closed", "Critical", "High"]);
    expect(perTenant.slice(1)).toEqual([
      ["Acme Corp", "online", 12, 6, 4, 2, 3, 4],
      ["Globex Retail", "online", 7, 5, 1, 1, 1, 2],
    ]);
    const summary = rows("Summary");
    expect(summary[0]).toEqual(["Dashboard", "MSSP overview"]);
    expect(summary.find((row) => row[1] === "Acme severity")?.[5]).toBe("Tenants: Acme Corp");
  });

  it("exports the dashboard as a PDF whose text has the titles and figures", async () => {
    const { file, name } = await download("export-pdf");
    expect(name).toMatch(/^MSSP overview \d{4}-\d{2}-\d{2}\.pdf$/);
    const text = await pdfText(file);
    expect(text).toContain("MSSP overview");
    expect(text).toContain(`Exported by ${ADMIN_EMAIL}`);
    for (const title of ["Insights by status", "Acme severity", "Push outcomes", "Insights over time", "Node health", "Insights per tenant", "Top rules", "Top techniques"]) {
      expect(text).toContain(title);
    }
    expect(text).toContain("Tenants: Acme Corp");
    expect(text).toMatch(/New 11 .*In progress 5 .*Closed 3/);
    expect(text).toMatch(/Critical 3 .*High 4 .*Medium 2 .*Low 3/);
    expect(text).toMatch(/Acme Corp online 12 6 4 2 3 4/);
    expect(text).toMatch(/Globex Retail online 7 5 1 1 1 2/);
    expect(text).toMatch(/Encoded PowerShell Command 8/);
  });

  it("keeps several dashboards: a new one from the Dashboard menu, then back with the selector", async () => {
    await page.getByTestId("dashboard-menu").click();
    await page.getByTestId("new-dashboard").click();
    const dialog = page.getByTestId("dashboard-name-dialog");
    await dialog.getByTestId("dashboard-name-input").fill("Night shift");
    await dialog.getByTestId("dashboard-name-save").click();
    await page.waitForURL(/\/dashboards\/[^/]+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Night shift");
    // A new dashboard starts with one widget of each kind, on every tenant.
    await expect.poll(() => page.locator('[data-testid="widget-card"][data-state="ready"]').count()).toBe(8);
    expect(await figures(card("Insights by severity"))).toEqual(ALL_SEVERITIES);

    // Escape leaves the edit dialog without saving anything.
    await card("Insights by severity").getByTestId("widget-edit").click();
    await page.getByTestId("widget-dialog").getByTestId("widget-title-input").fill("Not saved");
    await page.keyboard.press("Escape");
    await page.getByTestId("widget-dialog").waitFor({ state: "detached" });
    expect(await card("Not saved").count()).toBe(0);

    await page.getByTestId("dashboard-select").selectOption({ label: "MSSP overview" });
    await expect.poll(() => page.locator("h1").textContent()).toBe("MSSP overview");
    await expect.poll(() => figures(card("Acme severity"))).toEqual(ACME_SEVERITIES);
    expect(pageErrors).toEqual([]);
  });
});
