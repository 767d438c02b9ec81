import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSiemInsights, waitForHubInsights } from "../harness/agent-insights.js";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  page: string;
}

declare global {
  interface Window {
    __cspViolations: Violation[];
    __injectedRan?: boolean;
  }
}

/** Records every CSP violation of every document the page loads, before any of its scripts run. */
function recordViolations(): void {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push({
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      page: location.pathname,
    });
  });
}

// The UI under the hub's Content-Security-Policy (no 'unsafe-inline' for scripts or styles): every
// page and dialog a person uses works with no violation, the policy really is enforced, and no
// other site can frame the hub (push, unpair and delete cannot be clickjacked).
describe("the UI under its Content-Security-Policy in Chromium", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let attacker: Server | undefined;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];
  /** Violations of documents already left behind (each document starts its own list). */
  const earlier: Violation[] = [];
  /** Console messages about CSP: Chromium reports some blocks only there. */
  const consoleCsp: string[] = [];

  const violations = async (): Promise<Violation[]> => [...earlier, ...(await page.evaluate(() => window.__cspViolations))];

  /** Navigates by address (a new document), keeping the violations of the one left. */
  async function visit(path: string): Promise<void> {
    earlier.push(...(await page.evaluate(() => window.__cspViolations ?? [])));
    await page.goto(`${hub.url}${path}`);
  }

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, ["Acme Corp"], agents);
    const now = Date.now();
    await importSiemInsights(
      agents[0]!,
      (["critical", "high", "medium", "low"] as const).map((severity, i) => ({
        id: `csp-${i}`,
        title: `Suspicious ${severity} activity`,
        severity,
        status: "new" as const,
        createdAt: new Date(now - (i + 1) * 3_600_000).toISOString(),
        ruleId: "r-csp",
        ruleName: "CSP walk rule",
        tactics: ["execution"],
        techniques: ["T1059.001"],
      })),
    );
    await waitForHubInsights(api, 4);
    const field = await api<{ id: string }>("POST", "/content/custom-fields", { name: "Escalation tier", type: "text", appliesTo: "incident" });
    await api("POST", "/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });

    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { reducedMotion: "reduce" } }));
    await page.context().addInitScript(recordViolations);
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) consoleCsp.push(message.text());
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
    await stopScenario({ browser, hub, agents });
  });

  it("serves every page with a policy that allows no inline script or style", async () => {
    const document = await page.goto(`${hub.url}/login`);
    const csp = document!.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(document!.headers()["x-frame-options"]).toBe("DENY");
  });

  it("walks Nodes, New tenant, Connect, every content kind, Push, History, Insights, Dashboards and Organizations without a violation", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("tenant-row").first().waitFor();

    await page.getByTestId("new-tenant").click();
    const tenantDialog = page.getByTestId("new-tenant-dialog");
    await tenantDialog.getByLabel("Name").fill("Globex Retail");
    await tenantDialog.getByTestId("save-tenant").click();
    await tenantDialog.getByTestId("pairing-code").waitFor();
    await tenantDialog.getByTestId("pairing-done").click();

    await page.locator('[data-testid="tenant-row"][data-tenant-name="Acme Corp"]').getByTestId("connect").click();
    await page.getByTestId("connect-info").waitFor();

    for (const kind of ["playbooks", "siem-rules", "tuning-expressions", "library", "custom-fields"]) {
      await visit(`/content/${kind}`);
      await page.getByTestId(`content-tab-${kind}`).waitFor();
    }
    await page.getByTestId("push-field").first().click();
    const push = page.getByTestId("push-dialog");
    await push.getByTestId("preview-push").click();
    await push.getByTestId("push-preview").waitFor();
    await page.keyboard.press("Escape");

    await page.getByTestId("nav-history").click();
    await page.getByTestId("history-row").first().waitFor();
    await page.getByTestId("history-title").first().click();
    await page.waitForURL(/\/history\/[^/]+$/);
    await page.getByTestId("result-row").first().waitFor();

    await page.getByTestId("nav-insights").click();
    await expect.poll(() => page.getByTestId("insight-row").count()).toBe(4);
    await page.getByTestId("tab-board").click();
    await expect.poll(() => page.getByTestId("board-card").count()).toBe(4);

    await page.getByTestId("nav-dashboards").click();
    await expect.poll(() => page.locator('[data-testid="widget-card"][data-state="ready"]').count()).toBe(8);
    // A chart drawn on a canvas, and one with figures: the charts really rendered.
    expect(await page.locator('[data-testid="widget-card"] canvas').count()).toBeGreaterThan(0);
    await page.getByTestId("widget-edit").first().click();
    const widgetDialog = page.getByTestId("widget-dialog");
    await widgetDialog.getByTestId("widget-preview").locator('[data-testid="figure"], [data-testid="table-row"], canvas').first().waitFor();
    await widgetDialog.getByTestId("widget-title-input").fill(" ");
    await widgetDialog.getByTestId("field-error").first().waitFor();
    await page.keyboard.press("Escape");

    await page.getByTestId("nav-organizations").click();
    await page.locator('[data-testid="org-row"]').nth(1).getByTestId("org-pick").click();
    for (const tab of ["capabilities", "owners", "settings", "usage"]) {
      await page.getByTestId(`org-tab-${tab}`).click();
      await page.getByTestId(`org-${tab}`).waitFor();
    }
    await page.getByTestId("usage-today").waitFor();
    await page.getByTestId("new-org").click();
    await page.getByTestId("new-org-dialog").getByTestId("capabilities-fields").waitFor();
    await page.keyboard.press("Escape");

    // A client-side navigation shows SvelteKit's route announcer (an element with a style attribute).
    await page.getByTestId("nav-history").click();
    await page.getByTestId("history-row").first().waitFor();
    // Its style was allowed by hash: it stays a 1-pixel box instead of showing the page title.
    await expect.poll(() => page.locator("#svelte-announcer").evaluate((el) => getComputedStyle(el).width)).toBe("1px");

    expect(await violations()).toEqual([]);
    expect(consoleCsp).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("enforces the policy: a script or style injected into the page does not run", async () => {
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injectedRan = true";
      document.body.append(script);
      const style = document.createElement("style");
      style.textContent = "body { background: rgb(255, 0, 0) !important }";
      document.head.append(style);
    });
    await expect.poll(async () => (await violations()).map((v) => v.directive).sort()).toEqual(["script-src-elem", "style-src-elem"]);
    expect(await page.evaluate(() => window.__injectedRan ?? false)).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(255, 0, 0)");
  });

  it("cannot be framed by another site", async () => {
    attacker = createServer((_request, response) => {
      response.setHeader("content-type", "text/html");
      response.end(`<!doctype html><title>evil</title><iframe name="victim" src="${hub.url}/nodes" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => attacker!.listen(0, "127.0.0.1", resolve));
    // Another origin: another port on the same machine is already a different site's frame.
    const evil = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    const blocked = page.waitForEvent("console", { predicate: (m) => /frame-ancestors|X-Frame-Options/.test(m.text()), timeout: UI_TIMEOUT });
    await page.goto(evil);
    expect((await blocked).text()).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
    const victim = await (await page.locator('iframe[name="victim"]').elementHandle())!.contentFrame();
    // Chromium puts its own error page in the frame instead of the hub's UI.
    await expect.poll(() => victim!.url()).toMatch(/^chrome-error:/);
    expect(await victim!.locator("[data-testid]").count()).toBe(0);
  });
});
