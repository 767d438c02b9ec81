import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSiemInsights, waitForHubInsights } from "../harness/agent-insights.js";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;

// An attacker who can name things (a tenant's agent names its insights and their rules, an
// operator names tenants, content and dashboards) writes HTML into every name. Each would set
// `window.__xss` if it ever ran; every name also carries its own marker so the test can find it as text.
const NAMES = {
  tenant: `R5 <img src=x onerror="window.__xss='tenant'"> Tenant`,
  field: `R5 <script>window.__xss='field'</script> Field`,
  rule: `R5 <img src=x onerror="window.__xss='rule'"> Rule`,
  dashboard: `R5 <svg onload="window.__xss='dashboard'"></svg> Board`,
  insight: `R5 <img src=x onerror="window.__xss='insight'"> Insight`,
  insightRule: `R5 <iframe srcdoc="<script>parent.__xss='insight rule'</script>"></iframe> Insight Rule`,
} as const;

declare global {
  interface Window {
    __xss?: string;
    __scriptViolations: string[];
  }
}

/** Before any script of a document: record every blocked script (an injected handler would be one). */
function watchScripts(): void {
  window.__scriptViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    if (event.effectiveDirective.startsWith("script-src") || event.effectiveDirective === "frame-src") window.__scriptViolations.push(`${event.effectiveDirective} ${event.sample}`);
  });
}

// Part of R5 (test/resilience/README.md): HTML in every name is shown as text and never runs. It
// lives here because it needs a real browser, and this suite owns Chromium and the UI build.
describe("HTML in every name is shown as text, and no script in it runs", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];
  const seen: { page: string; clean: boolean }[] = [];

  /** On the current page: the names shown as text, and any sign that markup from them became elements or ran. */
  async function inspect(where: string, expected: (keyof typeof NAMES)[]): Promise<void> {
    const missing: string[] = [];
    for (const key of expected) {
      const shown = await expect
        .poll(() => page.evaluate((text) => document.body.innerText.includes(text), NAMES[key]), { timeout: UI_TIMEOUT })
        .toBe(true)
        .then(() => true, () => false);
      if (!shown) missing.push(key);
    }
    const found = await page.evaluate(() => ({
      xss: window.__xss ?? null,
      violations: window.__scriptViolations,
      // Markup from a name that became elements: the image, the svg, the script, the frame.
      injected: Array.from(document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], script'))
        .filter((el) => el.tagName !== "SCRIPT" || (el.textContent ?? "").includes("__xss"))
        .map((el) => el.outerHTML.slice(0, 80)),
    }));
    const result = { notShownAsText: missing, ...found };
    seen.push({ page: where, clean: JSON.stringify(result) === JSON.stringify({ notShownAsText: [], xss: null, violations: [], injected: [] }) });
    expect(result, where).toEqual({ notShownAsText: [], xss: null, violations: [], injected: [] });
  }

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, [NAMES.tenant], agents);
    await importSiemInsights(agents[0]!, [
      {
        id: "r5-html-1",
        title: NAMES.insight,
        severity: "critical",
        status: "new",
        createdAt: new Date(Date.now() - 60_000).toISOString(),
        ruleId: "r5-html-rule",
        ruleName: NAMES.insightRule,
        tactics: ["execution"],
        techniques: ["T1059.001"],
      },
    ]);
    await waitForHubInsights(api, 1);
    const field = await api<{ id: string }>("POST", "/content/custom-fields", { name: NAMES.field, type: "text", appliesTo: "incident" });
    const sigma = ["title: " + JSON.stringify(NAMES.rule), "logsource:", "  product: windows", "detection:", "  selection:", "    Image|endswith: '\\\\x.exe'", "  condition: selection", "level: high"].join("\n");
    const rule = await fetch(`${hub.url}/api/v1/content/import`, {
      method: "POST",
      headers: { "content-type": "application/yaml", origin: hub.url, cookie: await cookieOf(hub.url) },
      body: sigma,
    });
    expect(rule.status).toBe(201);
    const push = await api<{ id: string }>("POST", "/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });
    dashboardId = (await api<{ id: string }>("POST", "/dashboards", { name: NAMES.dashboard })).id;
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors }));
    await page.context().addInitScript(watchScripts);
    await signInAsAdmin(page, hub.url);
    pushId = push.id;
  });
  let pushId = "";
  let dashboardId = "";

  afterAll(async () => {
    const dirty = seen.filter((s) => !s.clean).map((s) => s.page);
    console.log(
      `R5 HTML in names: ${Object.keys(NAMES).length} names with markup, ${seen.length} pages checked (${seen.map((s) => s.page).join(", ")}); ` +
        (dirty.length ? `markup shown as markup or run on: ${dirty.join(", ")}` : "every name shown as text, no script run"),
    );
    await stopScenario({ browser, hub, agents });
  });

  it("Nodes and the tenant's page show the tenant's name as text", async () => {
    await page.goto(`${hub.url}/nodes`);
    await inspect("Nodes", ["tenant"]);
    await page.getByTestId("tenant-name").first().click();
    await page.waitForURL(/\/nodes\/[^/]+$/);
    await inspect("the tenant's page", ["tenant"]);
  });

  it("Organizations show the tenant's name as text in the tree, its detail and the delete dialog", async () => {
    await page.goto(`${hub.url}/organizations?open=${agents[0]!.tenantId}&tab=overview`);
    await page.getByTestId("org-overview").waitFor();
    await inspect("Organizations", ["tenant"]);
    await page.getByTestId("delete-org").click();
    await page.getByTestId("delete-org-dialog").waitFor();
    await inspect("the organization's delete dialog", ["tenant"]);
    await page.getByTestId("delete-org-dialog").getByRole("button", { name: "Cancel" }).click();
  });

  it("content lists, the push's history and its results show item and tenant names as text", async () => {
    await page.goto(`${hub.url}/content/custom-fields`);
    await inspect("Custom fields", ["field"]);
    await page.goto(`${hub.url}/content/siem-rules`);
    await inspect("SIEM rules", ["rule"]);
    await page.goto(`${hub.url}/history`);
    await page.getByTestId("history-row").first().waitFor();
    await inspect("History", ["field"]);
    await page.goto(`${hub.url}/history/${pushId}`);
    await page.getByTestId("result-row").first().waitFor();
    await inspect("the push's results", ["tenant", "field"]);
  });

  it("the insight list, the board and the insight's drawer show its title, rule and tenant as text", async () => {
    await page.goto(`${hub.url}/insights`);
    await inspect("Insights", ["insight", "tenant"]);
    await page.getByTestId("tab-board").click();
    await page.getByTestId("board-card").first().waitFor();
    await inspect("the board", ["insight"]);
    await page.goto(`${hub.url}/insights/${encodeURIComponent(`${agents[0]!.tenantId}~r5-html-1`)}`);
    await inspect("the insight", ["insight", "insightRule"]);
  });

  it("dashboards show the dashboard's name and the tenants and rules in their widgets as text", async () => {
    await page.goto(`${hub.url}/dashboards/${dashboardId}`);
    await expect.poll(() => page.locator('[data-testid="widget-card"][data-state="ready"]').count(), { timeout: UI_TIMEOUT }).toBe(8);
    await inspect("a dashboard", ["dashboard", "tenant", "insightRule"]);
    expect(pageErrors).toEqual([]);
  });
});

/** The admin's session cookie, for the one request `signIn`'s JSON client cannot make (YAML). */
async function cookieOf(hubUrl: string): Promise<string> {
  const res = await fetch(`${hubUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: hubUrl },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}
