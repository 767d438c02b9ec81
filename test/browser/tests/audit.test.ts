import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { expectNoPageOverflow } from "../harness/layout.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
const ORG_NAME = "Contoso".padEnd(100, "z");
const OWNER_EMAIL = "owner@contoso.test";
const OWNER_PASSWORD = "contoso-owner-password-1";
// One more page than the audit shows at once (50), so "Older" has something to show.
const ROLES = 55;
const ROOT_NAME = "MSSP";
const ADDRESS = /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/;

// An administrator reads who changed what, where and from which address, filters it and pages back;
// an organization's own administrator sees only what concerns their organization.
describe("Audit in Chromium, against a real hub", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let orgId = "";
  let ownerInviteUrl = "";
  let ownerContext: BrowserContext | undefined;
  const pageErrors: string[] = [];

  const rows = (on: Page = page): Locator => on.getByTestId("audit-row");
  const rowsOf = (action: string, on: Page = page): Locator => on.locator(`[data-testid="audit-row"][data-action="${action}"]`);
  const columnTexts = (testid: string, on: Page = page) => on.getByTestId("audit-table").getByTestId(testid).allTextContents();
  const param = (name: string) => new URL(page.url()).searchParams.get(name);

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    // Older than the organization: the page of the newest entries shows the organization's.
    for (let i = 0; i < ROLES; i++) await api("POST", "/roles", { name: `Auditor ${String(i).padStart(2, "0")}`, permissions: ["audit.view"] });
    const created = await api<{ id: string; ownerInviteUrl: string }>("POST", "/tenants", { name: ORG_NAME, owner: { email: OWNER_EMAIL } });
    orgId = created.id;
    ownerInviteUrl = created.ownerInviteUrl;
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 1280, height: 800 } } }));
  });

  afterAll(async () => {
    await ownerContext?.close();
    await stopScenario({ browser, hub, agents: [] });
  });

  it("shows the organization created and its owner invited: who, what, which organization, from where", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-admin").click();
    await page.getByTestId("admin-tab-audit").click();
    await page.waitForURL(/\/admin\/audit$/);

    const created = rowsOf("tenant.create");
    await created.waitFor();
    expect(await created.getByTestId("audit-action").textContent()).toBe("Created an organization");
    expect(await created.getByTestId("audit-actor").textContent()).toBe("admin@canopy.local");
    // The organization made is named, and the entry is about it.
    expect(await created.getByTestId("audit-target").textContent()).toBe(ORG_NAME);
    expect(await created.getByTestId("audit-org").textContent()).toBe(ORG_NAME);
    expect(await created.getByTestId("audit-address").textContent()).toMatch(ADDRESS);
    expect(await created.locator("time").getAttribute("title")).toBeTruthy();

    const invited = rowsOf("user.invite");
    expect(await invited.getByTestId("audit-action").textContent()).toBe("Invited a user");
    expect(await invited.getByTestId("audit-org").textContent()).toBe(ORG_NAME);
    expect(await invited.getByTestId("audit-address").textContent()).toMatch(ADDRESS);
    expect(await invited.getByTestId("audit-detail").textContent()).toContain(`email: ${OWNER_EMAIL}`);
    expect(await invited.getByTestId("audit-detail").textContent()).toContain("roles: Manage organization");

    // The administrator's sign-in through the browser is the newest, and the root's.
    const signedIn = rowsOf("auth.login").first();
    expect(await signedIn.getByTestId("audit-action").textContent()).toBe("Signed in");
    expect(await signedIn.getByTestId("audit-org").textContent()).toBe(ROOT_NAME);

    // The newest first: the invite was written after the organization.
    const actions = await rows().evaluateAll((found) => found.map((row) => row.getAttribute("data-action")));
    expect(actions.indexOf("user.invite")).toBeLessThan(actions.indexOf("tenant.create"));
  });

  it("opens a long detail whole, wrapped inside the window at 800 px", async () => {
    await page.setViewportSize({ width: 800, height: 800 });
    const detail = rowsOf("tenant.create").getByTestId("audit-detail");
    expect(await detail.locator("summary").textContent()).toMatch(/…$/);
    await detail.locator("summary").click();
    const json = detail.getByTestId("audit-detail-json");
    await json.waitFor();
    expect(JSON.parse((await json.textContent()) ?? "")).toMatchObject({ name: ORG_NAME });
    await expectNoPageOverflow(page, "audit at 800 px, a detail open");
    await page.screenshot({ path: "/tmp/canopy-audit-800.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await expectNoPageOverflow(page, "audit at 1280 px");
    await page.screenshot({ path: "/tmp/canopy-audit-1280.png", fullPage: true });
  });

  it("filters by organization, in the address, and a reload keeps it", async () => {
    await page.getByTestId("filter-org").selectOption({ label: ORG_NAME });
    await expect.poll(() => param("orgId")).toBe(orgId);
    await expect.poll(async () => new Set(await columnTexts("audit-org"))).toEqual(new Set([ORG_NAME]));
    expect(await rowsOf("user.invite").count()).toBe(1);
    expect(await rowsOf("tenant.create").count()).toBe(1);
    // The administrator's own sign-in is the root's, not the organization's.
    expect(await rowsOf("auth.login").count()).toBe(0);

    await page.reload();
    await rowsOf("user.invite").waitFor();
    expect(await page.getByTestId("filter-org").inputValue()).toBe(orgId);
    expect(new Set(await columnTexts("audit-org"))).toEqual(new Set([ORG_NAME]));
    expect(await rowsOf("auth.login").count()).toBe(0);
  });

  it("filters by action and pages to older entries and back to the newest", async () => {
    await page.getByTestId("filter-clear").click();
    await expect.poll(() => param("orgId")).toBeNull();
    await page.getByTestId("filter-action").selectOption("role.create");
    await expect.poll(() => param("action")).toBe("role.create");
    await expect.poll(() => rowsOf("role.create").count()).toBe(50);
    expect(await rows().count()).toBe(50);
    expect(await rowsOf("role.create").first().getByTestId("audit-target").textContent()).toBe(`role:Auditor ${ROLES - 1}`);

    await page.getByTestId("audit-older").click();
    await expect.poll(() => rows().count()).toBe(ROLES - 50);
    expect(param("cursor")).toBeTruthy();
    expect(await rows().last().getByTestId("audit-target").textContent()).toBe("role:Auditor 00");
    expect(await page.getByTestId("audit-older").isDisabled()).toBe(true);

    await page.reload();
    await expect.poll(() => rows().count()).toBe(ROLES - 50);
    expect(await page.getByTestId("filter-action").inputValue()).toBe("role.create");
    expect(param("action")).toBe("role.create");

    await page.getByTestId("audit-newest").click();
    await expect.poll(() => rows().count()).toBe(50);
    expect(param("cursor")).toBeNull();
    expect(param("action")).toBe("role.create");
  });

  it("says so when nothing matches", async () => {
    await page.getByTestId("filter-target").fill("user:nobody");
    await expect.poll(() => param("target")).toBe("user:nobody");
    expect(await page.getByTestId("audit-empty").textContent()).toBe("No change matches these filters.");
  });

  it("shows an organization's administrator only what concerns their organization", async () => {
    ownerContext = await browser.newContext({ viewport: { width: 800, height: 800 } });
    ownerContext.setDefaultTimeout(UI_TIMEOUT);
    const owner = await ownerContext.newPage();
    owner.on("pageerror", (error) => pageErrors.push(error.message));
    await owner.goto(ownerInviteUrl);
    await owner.getByLabel("New password").fill(OWNER_PASSWORD);
    await owner.getByLabel("Repeat the password").fill(OWNER_PASSWORD);
    await owner.getByTestId("accept-submit").click();
    await owner.waitForURL(/\/nodes$/);

    await owner.getByTestId("nav-admin").click();
    await owner.getByTestId("admin-tab-audit").click();
    await owner.waitForURL(/\/admin\/audit$/);
    await rowsOf("user.invite", owner).waitFor();
    expect(new Set(await columnTexts("audit-org", owner))).toEqual(new Set([ORG_NAME]));
    expect(await rowsOf("tenant.create", owner).count()).toBe(1);
    // The root's own changes (its roles, its administrator's sign-in) are not theirs to read.
    expect(await rowsOf("role.create", owner).count()).toBe(0);
    // Their organization is the only one to filter by.
    const choices = await owner.getByTestId("filter-org").locator("option").allTextContents();
    expect(choices.map((choice) => choice.trim())).toEqual(["Every organization", ORG_NAME]);
    await expectNoPageOverflow(owner, "the owner's audit at 800 px");
    expect(pageErrors).toEqual([]);
  });
});
