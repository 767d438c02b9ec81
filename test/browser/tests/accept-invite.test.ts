import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
// The longest names the hub takes, with no place to break: they must not push the header apart.
const ORG_NAME = "Northwind".padEnd(100, "x");
const EMAIL = `${"analyst".padEnd(88, "y")}@example.com`;
const PASSWORD = "analyst-password-1";

/** Whether the page is wider than its window (something pushed out of it). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

// Permissions drive the UI, and an invite link sets a password and signs its person in.
describe("Invite links and permission-driven UI, in Chromium against a real hub", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let adminPage: Page;
  let invitee: BrowserContext;
  let inviteUrl = "";
  const pageErrors: string[] = [];

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    ({ browser, page: adminPage } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 1280, height: 800 } } }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("shows the admin their organization, the Admin section and the actions their permissions allow", async () => {
    await signInAsAdmin(adminPage, hub.url);
    expect(await adminPage.getByTestId("current-org").textContent()).toBe("MSSP");
    await adminPage.getByTestId("nav-admin").waitFor();
    await adminPage.getByTestId("new-tenant").waitFor();
  });

  it("invites a user of a child organization; the link opened in another browser sets their password", async () => {
    const org = await api<{ id: string }>("POST", "/tenants", { name: ORG_NAME });
    const invited = await api<{ inviteUrl: string }>("POST", "/users", { email: EMAIL, orgId: org.id, roles: ["Analyst"] });
    inviteUrl = invited.inviteUrl;
    expect(inviteUrl).toMatch(new RegExp(`^${hub.url}/accept#token=`));

    // A second browser context: no cookie of the admin's, 800 px wide.
    invitee = await browser.newContext({ viewport: { width: 800, height: 700 } });
    invitee.setDefaultTimeout(UI_TIMEOUT);
    const page = await invitee.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(inviteUrl);

    await page.getByLabel("New password").fill("too-short");
    await page.getByLabel("Repeat the password").fill("too-short");
    await page.getByTestId("accept-submit").click();
    expect(await page.getByTestId("field-error").textContent()).toBe("Use at least 10 characters.");

    await page.getByLabel("New password").fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(`${PASSWORD}x`);
    await page.getByTestId("accept-submit").click();
    expect(await page.getByTestId("field-error").textContent()).toBe("The two passwords are not the same.");

    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByTestId("accept-submit").click();
    await page.waitForURL(/\/nodes$/);
    expect(await page.getByTestId("current-org").textContent()).toBe(ORG_NAME);
    expect(await page.getByTestId("current-org").getAttribute("title")).toBe(ORG_NAME);
    expect(await page.getByTestId("current-role").textContent()).toBe("Analyst");
    // Narrow windows hide the email in the header; it is still who the hub says is signed in.
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).json() as Promise<{ email: string; kind: string }>);
    expect(me).toMatchObject({ email: EMAIL, kind: "user" });
    expect(await overflows(page)).toBe(false);

    // An analyst triages insights: no tenant to create, no Admin section.
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor();
    expect(await page.getByTestId("new-tenant").count()).toBe(0);
    expect(await page.getByTestId("nav-admin").count()).toBe(0);
    await page.screenshot({ path: "/tmp/canopy-accept-800.png" });
    await page.close();
  });

  it("shows the email in a wide window, ellipsized", async () => {
    const page = await invitee.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${hub.url}/nodes`);
    const email = page.locator('[data-testid="current-user"] .email');
    expect(await email.textContent()).toBe(EMAIL);
    expect(await email.getAttribute("title")).toBe(EMAIL);
    expect(await overflows(page)).toBe(false);
    await page.close();
  });

  it("says a used link was used already or has expired", async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = await context.newPage();
    await page.goto(inviteUrl);
    await page.getByLabel("New password").fill("another-password-2");
    await page.getByLabel("Repeat the password").fill("another-password-2");
    await page.getByTestId("accept-submit").click();
    expect(await page.getByTestId("accept-error").textContent()).toBe("This link was used already or has expired: ask for a new one.");
    expect(page.url()).toContain("/accept");
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
