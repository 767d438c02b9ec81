import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
const ORG_NAME = "Northwind".padEnd(100, "x");
const OWNER_EMAIL = "owner@northwind.test";
const EMAIL = `${"analyst".padEnd(88, "y")}@example.com`;
const SCREENSHOT_DIR = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

// An administrator manages the people of their organization and of those under it, and the roles they hold.
describe("Users and roles in Chromium, against a real hub", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const row = (email: string): Locator => page.locator(`[data-testid="user-row"][data-email="${email}"]`);

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await api("POST", "/tenants", { name: ORG_NAME, owner: { email: OWNER_EMAIL } });
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 1280, height: 800 } } }));
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: hub.url });
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("lists the users with their organization, roles and status", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-admin").click();
    await page.waitForURL(/\/admin\/users$/);
    await row(OWNER_EMAIL).waitFor();
    expect(await row(OWNER_EMAIL).getByTestId("user-org").textContent()).toBe(ORG_NAME);
    expect(await row(OWNER_EMAIL).getByTestId("user-roles").textContent()).toBe("Manage organization");
    expect(await row(OWNER_EMAIL).getByTestId("user-status").textContent()).toBe("Invited");
    expect(await row(ADMIN_EMAIL).getByTestId("user-status").textContent()).toBe("Active");
    expect(await row(ADMIN_EMAIL).getByTestId("user-org").textContent()).toBe("MSSP");
    // No disabling or deleting oneself.
    expect(await row(ADMIN_EMAIL).getByTestId("user-delete").count()).toBe(0);
  });

  it("invites a user into a child organization and shows the link once, with a copy button", async () => {
    await page.getByTestId("invite-user").click();
    const dialog = page.getByTestId("invite-dialog");
    await dialog.getByTestId("invite-submit").click();
    expect(await dialog.getByTestId("field-error").allTextContents()).toEqual(["Enter the person's email.", "Give at least one role."]);

    await dialog.getByLabel("Email").fill(EMAIL);
    const orgPicker = dialog.getByTestId("org-picker");
    const orgId = await orgPicker.locator("option", { hasText: ORG_NAME }).getAttribute("value");
    await orgPicker.selectOption(orgId!);
    await dialog.getByLabel("Analyst").check();
    await dialog.getByLabel("Content manager").check();
    await dialog.getByTestId("invite-submit").click();

    const link = (await dialog.getByTestId("invite-link").textContent()) ?? "";
    expect(link).toMatch(new RegExp(`^${hub.url}/accept#token=`));
    await dialog.getByTestId("invite-link-copy").click();
    await expect.poll(() => dialog.getByTestId("invite-link-copy").textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await dialog.getByTestId("invite-done").click();
    await dialog.waitFor({ state: "detached" });

    expect(await row(EMAIL).getByTestId("user-org").textContent()).toBe(ORG_NAME);
    expect(await row(EMAIL).getByTestId("user-roles").textContent()).toBe("Analyst, Content manager");
    expect(await row(EMAIL).getByTestId("user-status").textContent()).toBe("Invited");
  });

  it("changes a user's roles", async () => {
    await row(EMAIL).getByTestId("user-change-roles").click();
    const dialog = page.getByTestId("roles-dialog");
    await dialog.getByLabel("Analyst").uncheck();
    await dialog.getByLabel("Content manager").uncheck();
    await dialog.getByLabel("Read only").check();
    await dialog.getByTestId("roles-save").click();
    await dialog.waitFor({ state: "detached" });
    expect(await row(EMAIL).getByTestId("user-roles").textContent()).toBe("Read only");
    const stored = await api<{ items: { email: string; roles: string[] }[] }>("GET", "/users");
    expect(stored.items.find((user) => user.email === EMAIL)?.roles).toEqual(["Read only"]);
  });

  it("refuses to disable the last owner of an organization, with the hub's reason", async () => {
    await row(OWNER_EMAIL).getByTestId("user-toggle").click();
    const toast = page.locator('[data-testid="toast"][data-kind="error"]');
    await toast.waitFor();
    expect(await toast.textContent()).toContain(`${OWNER_EMAIL} is the last owner of their organization`);
    expect(await row(OWNER_EMAIL).getByTestId("user-status").textContent()).toBe("Invited");
  });

  it("disables and enables a user", async () => {
    await row(EMAIL).getByTestId("user-toggle").click();
    await row(EMAIL).locator('[data-testid="user-status"][data-status="disabled"]').waitFor();
    expect(await row(EMAIL).getByTestId("user-reset").count()).toBe(0);
    await row(EMAIL).getByTestId("user-toggle").click();
    await row(EMAIL).locator('[data-testid="user-status"][data-status="invited"]').waitFor();
  });

  it("makes a password reset link, shown once", async () => {
    await row(EMAIL).getByTestId("user-reset").click();
    await page.getByTestId("reset-dialog").getByTestId("confirm").click();
    const dialog = page.getByTestId("reset-link-dialog");
    expect(await dialog.getByTestId("reset-link").textContent()).toMatch(new RegExp(`^${hub.url}/accept#token=`));
    await dialog.getByTestId("reset-done").click();
    await dialog.waitFor({ state: "detached" });
  });

  it("keeps the page inside an 800 px window with 100-character names", async () => {
    await page.setViewportSize({ width: 800, height: 800 });
    expect(await overflows(page)).toBe(false);
    const emailCell = await row(EMAIL).getByTestId("user-email").boundingBox();
    expect(emailCell!.width).toBeLessThanOrEqual(240);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/canopy-users-800.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/canopy-users.png`, fullPage: true });
  });

  it("deletes a user after confirmation", async () => {
    await row(EMAIL).getByTestId("user-delete").click();
    await page.getByTestId("delete-user-dialog").getByTestId("confirm").click();
    await row(EMAIL).waitFor({ state: "detached" });
    const stored = await api<{ items: { email: string }[] }>("GET", "/users");
    expect(stored.items.map((user) => user.email)).not.toContain(EMAIL);
  });

  it("lists built-in roles with their permissions, creates a custom role and deletes it", async () => {
    await page.getByTestId("admin-tab-roles").click();
    const roleRow = (name: string) => page.locator(`[data-testid="role-row"][data-role="${name}"]`);
    await roleRow("Analyst").waitFor();
    expect(await roleRow("Analyst").getByTestId("role-kind").textContent()).toBe("Built in");
    expect(await roleRow("Analyst").getByTestId("role-permissions").locator("li").allTextContents()).toEqual(["View organizations", "Triage insights"]);
    expect(await roleRow("Analyst").getByTestId("role-delete").count()).toBe(0);

    await page.getByTestId("new-role").click();
    const dialog = page.getByTestId("role-dialog");
    await dialog.getByLabel("Name").fill("Triage lead");
    await dialog.getByLabel("Triage insights").check();
    await dialog.getByLabel("Push content").check();
    await dialog.getByTestId("role-save").click();
    await dialog.waitFor({ state: "detached" });
    expect(await roleRow("Triage lead").getByTestId("role-kind").textContent()).toBe("Custom");
    expect(await roleRow("Triage lead").getByTestId("role-permissions").locator("li").allTextContents()).toEqual(["Push content", "Triage insights"]);

    // A built-in name is refused by the hub, and the dialog says why.
    await page.getByTestId("new-role").click();
    await dialog.getByLabel("Name").fill("Analyst");
    await dialog.getByLabel("Triage insights").check();
    await dialog.getByTestId("role-save").click();
    expect(await dialog.getByTestId("dialog-error").textContent()).toContain("built-in role");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await roleRow("Triage lead").getByTestId("role-delete").click();
    await page.getByTestId("delete-role-dialog").getByTestId("confirm").click();
    await roleRow("Triage lead").waitFor({ state: "detached" });
    const stored = await api<{ items: { name: string }[] }>("GET", "/roles");
    expect(stored.items.map((role) => role.name)).not.toContain("Triage lead");
    expect(pageErrors).toEqual([]);
  });
  it("shows a child MSP's administrator where each custom role comes from, and offers Delete only on their own", async () => {
    await api("POST", "/roles", { name: "MSSP desk", permissions: ["organizations.view"] });
    const msp = await api<{ id: string }>("POST", "/tenants", { name: "Child MSP", capabilities: [{ name: "msp" }] });
    const invited = await api<{ inviteUrl: string }>("POST", "/users", { email: "boss@child-msp.test", orgId: msp.id, roles: ["Manage organization"] });
    const token = new URL(invited.inviteUrl).hash.replace("#token=", "");
    const accepted = await fetch(`${hub.url}/api/v1/auth/accept`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: hub.url },
      body: JSON.stringify({ token, password: "child-msp-password-1" }),
    });
    expect(accepted.status).toBe(200);

    await page.getByTestId("logout").click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill("boss@child-msp.test");
    await page.getByLabel("Password").fill("child-msp-password-1");
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/nodes$/);
    await page.goto(`${hub.url}/admin/roles`);
    const roleRow = (name: string) => page.locator(`[data-testid="role-row"][data-role="${name}"]`);
    await roleRow("MSSP desk").waitFor();
    // The MSSP's role is theirs to give, not to delete.
    expect(await roleRow("MSSP desk").getByTestId("role-org").textContent()).toContain("MSSP");
    expect(await roleRow("MSSP desk").getByTestId("role-delete").count()).toBe(0);

    await page.getByTestId("new-role").click();
    const dialog = page.getByTestId("role-dialog");
    await dialog.getByLabel("Name").fill("MSSP desk");
    await dialog.getByLabel("View organizations").check();
    await dialog.getByTestId("role-save").click();
    await dialog.waitFor({ state: "detached" });
    // Its own role of the same name sits beside the MSSP's, with its organization and a Delete.
    const own = page.locator(`[data-testid="role-row"][data-role="MSSP desk"][data-org="${msp.id}"]`);
    expect(await own.getByTestId("role-org").textContent()).toContain("Child MSP");
    expect(await roleRow("MSSP desk").count()).toBe(2);
    await own.getByTestId("role-delete").click();
    await page.getByTestId("delete-role-dialog").getByTestId("confirm").click();
    await own.waitFor({ state: "detached" });
    expect(await roleRow("MSSP desk").count()).toBe(1);
    // The MSSP's own is still there: the child deleted only its own.
    const stored = await api<{ items: { name: string; orgId?: string }[] }>("GET", "/roles");
    expect(stored.items.filter((role) => role.name === "MSSP desk").map((role) => role.orgId)).toEqual(["org_root"]);
    expect(pageErrors).toEqual([]);
  });
});
