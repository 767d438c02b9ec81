import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { expectInViewport, expectNoPageOverflow } from "../harness/layout.js";
import { openPage, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
const PASSWORD = "a long password 1";
const VIEWER = "ana@contoso.test";
const SHARER = "sam@fabrikam.test";
/** Names as long as the hub takes them: the pages must still fit 800 px. */
const SHARING_ORG = "Fabrikam MSP ".padEnd(100, "f");
const SHARED_DASHBOARD = "Fabrikam NOC wall ".padEnd(100, "n");
const SHARED_SEARCH = "New criticals ".padEnd(100, "c");
const MY_SEARCH = "My high ones ".padEnd(100, "h");

/** A user invited into `orgId` who set their password: an API client signed in as them. */
async function invitedUser(admin: Api, hubUrl: string, orgId: string, email: string): Promise<Api> {
  const { inviteUrl } = await admin<{ inviteUrl: string }>("POST", "/users", { email, orgId, roles: ["Analyst"] });
  const token = new URL(inviteUrl).hash.replace(/^#token=/, "");
  const accepted = await fetch(`${hubUrl}/api/v1/auth/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: hubUrl },
    body: JSON.stringify({ token, password: PASSWORD }),
  });
  if (!accepted.ok) throw new Error(`accept failed: HTTP ${accepted.status}`);
  const cookie = (accepted.headers.get("set-cookie") ?? "").split(";")[0]!;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${hubUrl}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", origin: hubUrl, cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

// A user of Contoso uses what Fabrikam shares once Contoso's settings take shared objects from it.
describe("Shared dashboards and saved searches in Chromium, against a real hub", () => {
  let hub: TestHub;
  let admin: Api;
  let sharer: Api;
  let browser: Browser;
  let page: Page;
  let contosoId = "";
  let fabrikamId = "";
  let sharedDashboardId = "";
  const pageErrors: string[] = [];

  beforeAll(async () => {
    hub = await startHub();
    admin = await signIn(hub.url);
    contosoId = (await admin<{ id: string }>("POST", "/tenants", { name: "Contoso MSP", capabilities: [{ name: "msp" }, { name: "siem" }] })).id;
    fabrikamId = (await admin<{ id: string }>("POST", "/tenants", { name: SHARING_ORG, capabilities: [{ name: "msp" }, { name: "siem" }] })).id;
    await invitedUser(admin, hub.url, contosoId, VIEWER);
    sharer = await invitedUser(admin, hub.url, fabrikamId, SHARER);
    sharedDashboardId = (await sharer<{ id: string }>("POST", "/dashboards", { name: SHARED_DASHBOARD, shared: true })).id;
    await sharer("POST", "/dashboards", { name: "Fabrikam private", shared: false });
    await sharer("POST", "/saved-searches", { name: SHARED_SEARCH, query: "status=new&severity=critical", shared: true });
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 800, height: 900 } } }));
    await page.goto(`${hub.url}/login`);
    await page.getByLabel("Email").fill(VIEWER);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByTestId("login-submit").click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  const pickerOptions = (group: string) => page.locator(`[data-testid="dashboard-select"] optgroup[label="${group}"] option`).allTextContents();

  it("shows nothing of Fabrikam's until Contoso's settings take shared objects from it", async () => {
    await page.goto(`${hub.url}/dashboards`);
    await expect.poll(() => page.getByTestId("dashboard-summary").textContent()).toContain("your layout");
    expect(await page.getByTestId("dashboard-select").count()).toBe(0);
    await page.goto(`${hub.url}/dashboards/${sharedDashboardId}`);
    await page.getByTestId("dashboard-not-found").waitFor();
  });

  it("lists Fabrikam's shared dashboard apart once the setting is on, and opens it read-only", async () => {
    await admin("PATCH", `/tenants/${contosoId}/settings`, { sharedObjectsFrom: [fabrikamId] });
    await page.goto(`${hub.url}/dashboards`);
    await page.getByTestId("dashboard-select").waitFor();
    expect(await pickerOptions("Yours")).toEqual(["MSSP overview"]);
    expect(await pickerOptions("Shared with you")).toEqual([`${SHARED_DASHBOARD} — ${SHARER}, ${SHARING_ORG}`]);
    // One's own: editable, with the share toggle.
    await page.getByTestId("add-widget").waitFor();
    expect(await page.getByTestId("share-dashboard").isChecked()).toBe(false);

    await page.getByTestId("dashboard-select").selectOption(sharedDashboardId);
    await page.waitForURL(new RegExp(`/dashboards/${sharedDashboardId}$`));
    const summary = page.getByTestId("dashboard-shared-by");
    await summary.waitFor();
    expect(await summary.textContent()).toContain(`Shared with you by ${SHARER} (${SHARING_ORG}) · read-only`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(SHARED_DASHBOARD);
    // Its widgets show (figures for Contoso's own tenants), and nothing changes it.
    await expect.poll(() => page.getByTestId("widget-card").count()).toBeGreaterThan(0);
    for (const control of ["add-widget", "arrange", "dashboard-menu", "share-dashboard", "widget-edit"]) {
      expect(await page.getByTestId(control).count(), control).toBe(0);
    }
    await page.getByTestId("refresh-all").waitFor();
    await expectNoPageOverflow(page, "a shared dashboard at 800 px");
    await expectInViewport(page, page.getByTestId("dashboard-select"), "the dashboard picker");
    await page.screenshot({ path: `${process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp"}/canopy-shared-dashboard-800.png`, fullPage: true });
  });

  it("shares one's own dashboard with a click", async () => {
    await page.getByTestId("dashboard-select").selectOption({ label: "MSSP overview" });
    await page.getByTestId("share-dashboard").check();
    await expect.poll(() => page.getByTestId("dashboard-summary").textContent()).toContain("shared with your organization");
    const mine = await page.evaluate(async () => (await (await fetch("/api/v1/dashboards")).json()) as { items: { name: string; shared: boolean; readOnly: boolean }[] });
    expect(mine.items.filter((d) => !d.readOnly).map((d) => [d.name, d.shared])).toEqual([["MSSP overview", true]]);
  });

  it("opens a search Fabrikam shared, saves one of its own, and deletes it", async () => {
    await page.getByTestId("nav-insights").click();
    await page.waitForURL(/\/insights/);
    await page.getByTestId("saved-searches").click();
    const menu = page.getByTestId("saved-searches-menu");
    const shared = menu.getByTestId("shared-search-link");
    expect(await shared.locator(".label").textContent()).toBe(SHARED_SEARCH);
    expect(await shared.locator(".note").textContent()).toBe(`${SHARER} · ${SHARING_ORG}`);
    await expectNoPageOverflow(page, "the saved-searches menu at 800 px");
    await expectInViewport(page, menu, "the saved-searches menu");
    await shared.click();
    await page.waitForURL((url) => url.searchParams.get("status") === "new" && url.searchParams.get("severity") === "critical");
    expect(await page.getByTestId("filter-status-new").getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("filter-severity-critical").getAttribute("aria-pressed")).toBe("true");

    // The filters now, narrowed, saved under a long name.
    await page.getByTestId("filter-severity-critical").click();
    await page.getByTestId("filter-severity-high").click();
    await page.waitForURL((url) => url.searchParams.get("severity") === "high");
    await page.getByTestId("save-search").click();
    await page.getByTestId("save-search-name").fill(MY_SEARCH);
    await page.getByTestId("save-search-submit").click();
    await page.getByTestId("save-search-dialog").waitFor({ state: "detached" });

    // Somewhere else, then back through the menu: the saved filters come back.
    await page.getByTestId("filter-status-new").click();
    await page.getByTestId("saved-searches").click();
    const own = menu.getByTestId("saved-search-link");
    await expect.poll(() => own.locator(".label").allTextContents()).toEqual([MY_SEARCH]);
    await expectNoPageOverflow(page, "a 100-character saved search at 800 px");
    await page.screenshot({ path: `${process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp"}/canopy-saved-searches-800.png` });
    await own.click();
    await page.waitForURL((url) => url.searchParams.get("status") === "new" && url.searchParams.get("severity") === "high");
    expect(await page.getByTestId("filter-severity-high").getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("filter-severity-critical").getAttribute("aria-pressed")).toBe("false");

    await page.getByTestId("saved-searches").click();
    await menu.getByTestId("saved-search-delete").click();
    await expect.poll(() => own.count()).toBe(0);
    // The shared one cannot be deleted from here: it has no delete button.
    expect(await menu.getByTestId("shared-search-link").count()).toBe(1);
    expect(await menu.getByTestId("saved-search-delete").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
