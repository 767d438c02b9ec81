import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
const MSP = "Northwind MSP".padEnd(100, "w");
const CUSTOMER = "Northwind Customer A";
const SIBLING = "Globex Retail";
const CUSTOMER_B_RENAMED = "Northwind Customer B (renamed)";
const MSP_OWNER = "owner@northwind.test";
const SCREENSHOT_DIR = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

// An MSSP administrator works in one child MSP at a time, like an account menu: everything then shows its subtree only.
describe("The account switcher in Chromium, against a real hub", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let mspId = "";
  let siblingId = "";
  let customerBId = "";
  const pageErrors: string[] = [];

  const row = (name: string): Locator => page.locator(`[data-testid="tenant-row"][data-tenant-name="${name}"]`);
  const tenantNames = () => page.getByTestId("tenant-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-tenant-name")).sort());
  const chooseOrg = async (name: string) => {
    await page.getByTestId("org-switcher").click();
    await page.getByTestId("org-menu").locator('[data-testid="org-option"]', { hasText: name }).click();
  };

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    const msp = await api<{ id: string }>("POST", "/tenants", {
      name: MSP,
      owner: { email: MSP_OWNER },
      capabilities: [{ name: "msp" }, { name: "soar" }, { name: "siem" }, { name: "library" }],
    });
    mspId = msp.id;
    await api("POST", "/tenants", { name: CUSTOMER, parentId: mspId });
    siblingId = (await api<{ id: string }>("POST", "/tenants", { name: SIBLING })).id;
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 1280, height: 800 } } }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("lists the organization tree, indented, in the header's menu", async () => {
    await signInAsAdmin(page, hub.url);
    await expect.poll(tenantNames).toEqual([SIBLING, CUSTOMER, MSP].sort());
    expect(await page.getByTestId("current-org").textContent()).toBe("MSSP");

    await page.getByTestId("org-switcher").click();
    const options = page.getByTestId("org-menu").getByTestId("org-option");
    expect(await options.allTextContents()).toEqual(["MSSP", SIBLING, MSP, CUSTOMER]);
    const indent = (name: string) => options.filter({ hasText: name }).evaluate((option) => parseFloat(getComputedStyle(option).paddingLeft));
    expect(await indent(CUSTOMER)).toBeGreaterThan(await indent(MSP));
    expect(await indent(MSP)).toBeGreaterThan(await indent("MSSP"));
    // A long name is cut with an ellipsis and whole in its title.
    const long = options.filter({ hasText: MSP });
    expect(await long.getAttribute("title")).toBe(MSP);
    expect(await long.evaluate((option) => option.scrollWidth > option.clientWidth)).toBe(true);
    await page.keyboard.press("Escape");
    await page.getByTestId("org-menu").waitFor({ state: "detached" });
  });

  it("switches to a child MSP: the address names it and Nodes shows only its subtree", async () => {
    await chooseOrg(MSP);
    await page.waitForURL(new RegExp(`/nodes\\?org=${mspId}$`));
    await expect.poll(tenantNames).toEqual([CUSTOMER, MSP].sort());
    expect(await page.getByTestId("current-org").textContent()).toBe(MSP);
    expect(await page.getByTestId("org-switcher").getAttribute("title")).toBe(`Organization: ${MSP}`);
  });

  it("keeps the organization across navigation and a reload", async () => {
    await page.getByTestId("nav-insights").click();
    await page.waitForURL(new RegExp(`/insights\\?org=${mspId}$`));
    await page.getByTestId("nav-nodes").click();
    await page.waitForURL(new RegExp(`/nodes\\?org=${mspId}$`));
    await expect.poll(tenantNames).toEqual([CUSTOMER, MSP].sort());
    await page.reload();
    await expect.poll(tenantNames).toEqual([CUSTOMER, MSP].sort());
    expect(await page.getByTestId("current-org").textContent()).toBe(MSP);
  });

  it("lists only the child MSP's users on the Users page", async () => {
    await page.getByTestId("nav-admin").click();
    await page.waitForURL(new RegExp(`/admin/users\\?org=${mspId}$`));
    await page.locator(`[data-testid="user-row"][data-email="${MSP_OWNER}"]`).waitFor();
    expect(await page.getByTestId("user-row").count()).toBe(1);
    expect(await page.locator(`[data-testid="user-row"][data-email="${ADMIN_EMAIL}"]`).count()).toBe(0);
  });

  // The feed is opened with ?org= of the child: the hub sends none of the tenants outside it. The
  // outside event is sent first on the same stream, so once the inside one shows, the other would have.
  it("adds live only the tenants of the organization switched to", async () => {
    await page.getByTestId("nav-nodes").click();
    await expect.poll(tenantNames).toEqual([CUSTOMER, MSP].sort());
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor();
    await api("POST", "/tenants", { name: "Initech" });
    customerBId = (await api<{ id: string }>("POST", "/tenants", { name: "Northwind Customer B", parentId: mspId })).id;
    await row("Northwind Customer B").waitFor();
    expect(await tenantNames()).toEqual(["Northwind Customer B", CUSTOMER, MSP].sort());
  });

  it("shows live only the changes inside it: an edit of a tenant outside does not add it", async () => {
    await api("PATCH", `/tenants/${siblingId}`, { tags: ["edited-outside"] });
    await api("PATCH", `/tenants/${customerBId}`, { name: CUSTOMER_B_RENAMED });
    await row(CUSTOMER_B_RENAMED).waitFor();
    expect(await tenantNames()).toEqual([CUSTOMER_B_RENAMED, CUSTOMER, MSP].sort());
  });

  it("fits an 800 px window with the long name, and switches back to the whole tree", async () => {
    await page.setViewportSize({ width: 800, height: 700 });
    expect(await overflows(page)).toBe(false);
    // Every section is in view, the Admin link included (the sections scroll sideways only when they must).
    const admin = await page.getByTestId("nav-admin").boundingBox();
    expect(admin!.x + admin!.width).toBeLessThanOrEqual((await page.getByTestId("org-switcher").boundingBox())!.x);
    await page.getByTestId("org-switcher").click();
    // Opening the menu reads the tree again: a customer made since is in it.
    await page.getByTestId("org-menu").locator('[data-testid="org-option"]', { hasText: CUSTOMER_B_RENAMED }).waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/canopy-account-menu-800.png` });
    await page.getByTestId("org-menu").locator('[data-testid="org-option"]', { hasText: "MSSP" }).click();
    await expect.poll(tenantNames).toEqual(["Initech", CUSTOMER_B_RENAMED, SIBLING, CUSTOMER, MSP].sort());
    expect(await page.getByTestId("current-org").textContent()).toBe("MSSP");
    // Back in their own organization, links no longer carry one.
    await page.getByTestId("nav-insights").click();
    await page.waitForURL(/\/insights$/);
    expect(pageErrors).toEqual([]);
  });
});
