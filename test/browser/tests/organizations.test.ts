import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { expectInside, expectInViewport, expectNoPageOverflow, hiddenWidth } from "../harness/layout.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;
const LAPTOP = { width: 1280, height: 800 };
const NARROW = { width: 800, height: 900 };
/** A child MSP with the longest name the hub takes (100 characters), no space to break it at. */
const MSP = "NorthwindManagedSecurityServicesProviderForEuropeMiddleEastAndAfricaRegionalOperationsCentreSOC00001";
const CUSTOMER = "Contoso Retail";
const OWNER_EMAIL = "owner@contoso.example";
const DAY = 86_400_000;
const MSP_OWNER = "analyst@northwind.example";
const READER = "reader@mssp.example";
const PASSWORD = "organizations-test-password";
/** `YYYY-MM-DD` (UTC) `days` from now: what the date fields take. */
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

interface TreeNode {
  id: string;
  name: string;
  capabilities: { name: string; expiresAt: string | null }[];
  needsOwner: boolean;
  children: TreeNode[];
}

// An MSSP administrator sets up a child MSP and one of its customers, on a laptop and at 800 px.
describe("Organizations: the tree, a child MSP and its customer, capabilities with expiry, owners, settings and usage", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let mspId = "";
  let mspOwnerInvite = "";

  const row = (name: string): Locator => page.locator(`[data-testid="org-row"][data-org-name="${name}"]`);
  const detail = () => page.getByTestId("org-detail");
  const capability = (name: string) => detail().locator(`[data-testid="capability"][data-capability="${name}"]`);
  const dialogCapability = (name: string) => page.getByTestId("new-org-dialog").locator(`[data-testid="capability"][data-capability="${name}"]`);
  const tree = () => api<TreeNode>("GET", "/orgs/tree");
  const findNode = (node: TreeNode, name: string): TreeNode | undefined =>
    node.name === name ? node : node.children.map((child) => findNode(child, name)).find(Boolean);

  async function select(name: string, tab: string) {
    await row(name).getByTestId("org-pick").click();
    await page.locator(`[data-testid="org-detail"][data-org-id]`).getByTestId("org-title").filter({ hasText: name }).waitFor();
    await detail().getByTestId(`org-tab-${tab}`).click();
  }

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: LAPTOP } }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("creates a child MSP under the root with msp, soar expiring in 10 days and siem; the tree flags the expiry and the missing owner", async () => {
    expect(MSP).toHaveLength(100);
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-organizations").click();
    await page.waitForURL(/\/organizations/);
    await page.getByTestId("org-tree").waitFor();

    await page.getByTestId("new-org").click();
    const dialog = page.getByTestId("new-org-dialog");
    await dialog.getByTestId("new-org-name").fill(MSP);
    // Under the root every capability is offered, msp included; soar, siem and library start ticked.
    for (const name of ["soar", "siem", "library", "msp"]) expect(await dialogCapability(name).getByTestId("capability-on").isEnabled(), name).toBe(true);
    await dialogCapability("msp").getByTestId("capability-on").check();
    await dialogCapability("library").getByTestId("capability-on").uncheck();
    await dialogCapability("soar").getByTestId("capability-expiry").fill(dateIn(10));
    await dialog.getByTestId("create-org").click();
    await dialog.waitFor({ state: "detached" });

    // The hub holds what was chosen: soar until the end of the day picked, siem and msp for good.
    const msp = findNode(await tree(), MSP);
    expect(msp, "the MSP is in the tree under the root").toBeDefined();
    mspId = msp!.id;
    expect(msp!.capabilities.map((c) => [c.name, c.expiresAt])).toEqual([
      ["soar", `${dateIn(10)}T23:59:59.999Z`],
      ["siem", null],
      ["msp", null],
    ]);

    const mspRow = row(MSP);
    await mspRow.getByTestId("msp-badge").waitFor();
    expect(await mspRow.getByTestId("expiry-warning").textContent()).toBe("soar expires in 10 days");
    expect(await mspRow.getByTestId("needs-owner").textContent()).toBe("needs an owner");
    expect(await mspRow.getByTestId("capability-chip").allTextContents()).toEqual(["soar", "siem"]);
    // The 100-character name stays on one line, shortened, with the whole name to hover.
    const name = mspRow.getByTestId("org-name");
    expect(await name.getAttribute("title")).toBe(MSP);
    expect(await name.textContent()).toBe(MSP);
    expect(await hiddenWidth(name), "the long name is shortened with an ellipsis").toBeGreaterThan(0);
    await expectInside(name, page.getByTestId("org-tree"), "the long name in the tree");
    // The new organization is open on the right, its whole name in the title.
    expect(await detail().getByTestId("org-title").textContent()).toBe(MSP);
    await expectNoPageOverflow(page, "Organizations at 1280 px");
  });

  it("creates a customer under the MSP with an owner: the invite link is shown once; only what the MSP holds is offered", async () => {
    await page.getByTestId("new-org").click();
    const dialog = page.getByTestId("new-org-dialog");
    await dialog.getByTestId("new-org-name").fill(CUSTOMER);
    // Only the root and organizations holding msp take customers.
    expect(await dialog.getByTestId("new-org-parent").locator("option").allTextContents()).toEqual([await rootName(), MSP]);
    await dialog.getByTestId("new-org-parent").selectOption({ label: MSP });
    await dialog.getByTestId("new-org-tags").fill("retail, eu-west");
    await dialog.getByTestId("new-org-owner").fill(OWNER_EMAIL);

    // What the MSP lacks cannot be ticked, and says why.
    expect(await dialogCapability("library").getByTestId("capability-on").isDisabled()).toBe(true);
    expect(await dialogCapability("library").textContent()).toContain(`${MSP} does not hold library.`);
    expect(await dialogCapability("msp").getByTestId("capability-on").isDisabled()).toBe(true);
    expect(await dialogCapability("msp").textContent()).toContain("Only the root organization gives msp.");
    expect(await dialogCapability("soar").textContent()).toContain(`The parent's soar expires on ${dateIn(10)} (UTC): no later.`);

    // A soar expiry later than the MSP's own is refused by the hub, under soar.
    await dialogCapability("soar").getByTestId("capability-expiry").fill(dateIn(30));
    await dialog.getByTestId("create-org").click();
    const refusal = dialogCapability("soar").getByTestId("capability-error");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(`Expiry must not be later than "${MSP}"'s own soar expiry`);

    await dialogCapability("soar").getByTestId("capability-expiry").fill(dateIn(7));
    await dialog.getByTestId("create-org").click();
    const link = dialog.getByTestId("owner-invite-url");
    await link.waitFor();
    expect(await link.inputValue()).toMatch(new RegExp(`^${hub.url.replace(/[.]/g, "\\.")}/accept#token=.+`));
    expect(await dialog.getByRole("heading").textContent()).toBe(`Invite the owner of ${CUSTOMER}`);
    await dialog.getByTestId("copy-invite").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-org-invite.png") });
    await dialog.getByTestId("new-org-done").click();
    await dialog.waitFor({ state: "detached" });

    const customer = findNode(await tree(), CUSTOMER);
    expect(findNode((await tree()).children.find((child) => child.id === mspId)!, CUSTOMER), "the customer sits under the MSP").toBeDefined();
    expect(customer!.needsOwner).toBe(false);
    expect(customer!.capabilities.map((c) => [c.name, c.expiresAt])).toEqual([
      ["soar", `${dateIn(7)}T23:59:59.999Z`],
      ["siem", null],
    ]);

    // In the tree: under the MSP, with its own warning, and an owner (no flag).
    const customerRow = row(CUSTOMER);
    await customerRow.getByTestId("expiry-warning").waitFor();
    expect(await customerRow.getByTestId("expiry-warning").textContent()).toBe("soar expires in 7 days");
    expect(await customerRow.getByTestId("needs-owner").count()).toBe(0);
    expect(await customerRow.getByTestId("msp-badge").count()).toBe(0);
    const indent = async (name: string) => (await row(name).getByTestId("org-pick").boundingBox())!.x;
    expect(await indent(CUSTOMER), "the customer is indented under the MSP").toBeGreaterThan(await indent(MSP));

    // Its overview and owners: the parent, the tags, the invited owner.
    await select(CUSTOMER, "overview");
    expect(await detail().getByTestId("org-parent").textContent()).toBe(MSP);
    expect(await detail().getByTestId("tag").allTextContents()).toEqual(["retail", "eu-west"]);
    await detail().getByTestId("org-tab-owners").click();
    await detail().locator(`[data-testid="owner-row"][data-email="${OWNER_EMAIL}"]`).waitFor();
    expect(await detail().getByTestId("needs-owner-banner").count()).toBe(0);
  });

  it("sets a customer's capabilities with an expiry, and shows the hub's refusal of one the parent no longer holds", async () => {
    await select(CUSTOMER, "capabilities");
    expect(await capability("soar").getByTestId("capability-expiry").inputValue()).toBe(dateIn(7));
    await capability("soar").getByTestId("capability-expiry").fill(dateIn(5));
    await detail().getByTestId("save-capabilities").click();
    await row(CUSTOMER).getByTestId("expiry-warning").filter({ hasText: "soar expires in 5 days" }).waitFor();
    expect(findNode(await tree(), CUSTOMER)!.capabilities.find((c) => c.name === "soar")!.expiresAt).toBe(`${dateIn(5)}T23:59:59.999Z`);

    // Meanwhile another administrator takes siem from the MSP; this page still offers it.
    await api("PUT", `/tenants/${mspId}/capabilities`, {
      capabilities: [
        { name: "msp", expiresAt: null },
        { name: "soar", expiresAt: `${dateIn(10)}T23:59:59.999Z` },
      ],
    });
    await capability("siem").getByTestId("capability-on").check();
    await capability("soar").getByTestId("capability-expiry").fill(dateIn(6));
    await detail().getByTestId("save-capabilities").click();
    const refusal = capability("siem").getByTestId("capability-error");
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`"${MSP}" does not hold siem, so it cannot give it`);
    expect(await capability("soar").getByTestId("capability-error").count()).toBe(0);
    // Nothing changed at the hub.
    expect(findNode(await tree(), CUSTOMER)!.capabilities.find((c) => c.name === "soar")!.expiresAt).toBe(`${dateIn(5)}T23:59:59.999Z`);
  });

  it("flags an organization without an owner and makes one of its users the owner; the last owner cannot be removed", async () => {
    await select(MSP, "owners");
    const banner = detail().getByTestId("needs-owner-banner");
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`${MSP} needs an owner`);

    // One of the MSP's users becomes its owner.
    const analyst = await api<{ id: string; inviteUrl: string }>("POST", "/users", { email: MSP_OWNER, orgId: mspId, roles: ["Analyst"] });
    mspOwnerInvite = analyst.inviteUrl;
    await select(CUSTOMER, "overview");
    await select(MSP, "owners");
    await detail().getByTestId("owner-pick").selectOption(analyst.id);
    await detail().getByTestId("add-owner").click();
    await detail().locator(`[data-testid="owner-row"][data-email="${MSP_OWNER}"]`).waitFor();
    await banner.waitFor({ state: "detached" });
    await row(MSP).getByTestId("needs-owner").waitFor({ state: "detached" });

    // Removing the only owner asks first, then shows the hub's reason.
    await detail().getByRole("button", { name: `Remove ${MSP_OWNER} as owner` }).click();
    const confirm = page.getByTestId("remove-owner-dialog");
    await confirm.getByTestId("confirm").click();
    const reason = confirm.getByTestId("dialog-error");
    await reason.waitFor();
    expect(await reason.textContent()).toContain("is the last owner of their organization");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await detail().getByTestId("owner-row").count()).toBe(1);
  });

  it("shows the customer's usage against the daily volume, which its settings change", async () => {
    await select(CUSTOMER, "usage");
    const today = detail().getByTestId("usage-today");
    await today.waitFor();
    expect(await today.textContent()).toContain("0 B of 1 GB (0%), 0 insights.");

    await detail().getByTestId("org-tab-settings").click();
    await detail().getByTestId("daily-volume").fill("2.5");
    await detail().getByTestId("save-settings").click();
    await detail().getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await detail().getByTestId("org-tab-usage").click();
    await detail().getByTestId("usage-today").filter({ hasText: "0 B of 2.5 GB (0%)" }).waitFor();
    // The address keeps the organization and tab: a reload opens them again.
    await page.reload();
    await detail().getByTestId("usage-today").filter({ hasText: "0 B of 2.5 GB" }).waitFor();
    expect(await detail().getByTestId("org-title").textContent()).toBe(CUSTOMER);
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-organizations-1280.png") });
  });

  it("fits an 800 px window: the tree above the detail, the long name shortened, every tab and the new-organization dialog in the window", async () => {
    await page.setViewportSize(NARROW);
    await select(MSP, "capabilities");
    await expectNoPageOverflow(page, "Organizations at 800 px");
    const treeBox = (await page.getByTestId("org-tree").boundingBox())!;
    const detailBox = (await detail().boundingBox())!;
    expect(detailBox.y, "the detail comes below the tree").toBeGreaterThanOrEqual(treeBox.y + treeBox.height);
    await expectInViewport(page, row(MSP).getByTestId("org-name"), "the long name in the tree at 800 px");
    await expectInViewport(page, detail().getByTestId("org-title"), "the long name as the detail's title at 800 px");
    for (const tab of ["overview", "capabilities", "owners", "settings", "usage"]) await expectInViewport(page, detail().getByTestId(`org-tab-${tab}`), `the ${tab} tab`);
    await expectInViewport(page, detail().getByTestId("save-capabilities"), "Save capabilities at 800 px");
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-organizations-800.png"), fullPage: true });

    await page.getByTestId("new-org").click();
    const dialog = page.getByTestId("new-org-dialog");
    await dialog.getByTestId("new-org-parent").selectOption({ label: MSP });
    await expectInViewport(page, dialog, "the new-organization dialog at 800 px");
    expect(await hiddenWidth(dialog), "the dialog clips its content at 800 px").toBe(0);
    await expectInside(dialog.getByTestId("create-org"), dialog, "Create organization at 800 px");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(pageErrors).toEqual([]);
  });

  it("gives the MSP's owner their own organization as the top: customers only under it, its own capabilities and place left to the root", async () => {
    await acceptInvite(mspOwnerInvite);
    const own = await signInAs(MSP_OWNER);
    try {
      await own.goto(`${hub.url}/organizations`);
      const top = own.locator('[data-testid="org-row"]').first();
      await top.waitFor();
      expect(await top.getAttribute("data-org-name")).toBe(MSP);
      expect(await own.locator('[data-testid="org-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute("data-org-name")))).toEqual([MSP, CUSTOMER]);
      // Its own capabilities are set by the root's staff: shown, not editable; no move or delete of itself.
      await own.getByTestId("org-detail").getByTestId("org-tab-capabilities").click();
      await own.getByTestId("org-capabilities").getByText("The organization you work in: its parent's staff set what it may use.").waitFor();
      const held = await own.getByTestId("held-capabilities").locator("li").allTextContents();
      expect(held.sort()).toEqual(["msp does not expire", `soar until ${dateIn(10)} (UTC)`]);
      expect(await own.getByTestId("save-capabilities").count()).toBe(0);
      await own.getByTestId("org-detail").getByTestId("org-tab-overview").click();
      await own.getByTestId("save-org").waitFor();
      expect(await own.getByTestId("delete-org").count()).toBe(0);
      expect(await own.getByTestId("org-move-select").count()).toBe(0);
      // New customers go under the MSP only.
      await own.getByTestId("new-org").click();
      expect(await own.getByTestId("new-org-parent").locator("option").allTextContents()).toEqual([MSP]);
      await own.getByTestId("new-org-dialog").getByRole("button", { name: "Cancel" }).click();
    } finally {
      await own.context().close();
    }
  });

  it("offers a read-only user no change: no new organization, no save, no owner to add", async () => {
    const reader = await api<{ inviteUrl: string }>("POST", "/users", { email: READER, roles: ["Read only"] });
    await acceptInvite(reader.inviteUrl);
    const view = await signInAs(READER);
    try {
      await view.goto(`${hub.url}/organizations`);
      await view.locator(`[data-testid="org-row"][data-org-name="${CUSTOMER}"]`).getByTestId("org-pick").click();
      const panel = view.getByTestId("org-detail");
      await panel.getByTestId("org-title").filter({ hasText: CUSTOMER }).waitFor();
      await panel.getByText("Changing it needs the organizations.manage permission.").waitFor();
      await panel.getByTestId("org-tab-capabilities").click();
      await panel.getByText("Changing them needs the msp-customers.manage permission.").waitFor();
      expect(await panel.getByTestId("capability-on").evaluateAll((boxes) => boxes.every((box) => box.matches(":disabled")))).toBe(true);
      await panel.getByTestId("org-tab-owners").click();
      await panel.getByText("Changing owners needs the users.manage permission.").waitFor();
      expect(await panel.getByTestId("owner-row").count()).toBe(1);
      expect(await view.getByTestId("new-org").count()).toBe(0);
    } finally {
      await view.context().close();
    }
  });

  it("refuses to delete an MSP that has customers, with the hub's reason; moves the customer under the root", async () => {
    await page.setViewportSize(LAPTOP);
    await select(MSP, "overview");
    await detail().getByTestId("delete-org").click();
    const confirm = page.getByTestId("delete-org-dialog");
    await confirm.getByTestId("confirm").click();
    const reason = confirm.getByTestId("dialog-error");
    await reason.waitFor();
    expect(await reason.textContent()).toContain(`has child tenants (e.g. "${CUSTOMER}"); delete or move them first`);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(findNode(await tree(), MSP), "the MSP is still there").toBeDefined();

    await select(CUSTOMER, "overview");
    await detail().getByTestId("org-move-select").selectOption({ label: await rootName() });
    await detail().getByTestId("move-org").click();
    await detail().getByTestId("org-parent").filter({ hasText: await rootName() }).waitFor();
    expect((await tree()).children.map((child) => child.name)).toContain(CUSTOMER);
    expect(pageErrors).toEqual([]);
  });

  it("shows a customer another administrator adds, without a reload", async () => {
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await api("POST", "/tenants", { name: "Fabrikam Logistics", parentId: mspId, capabilities: [{ name: "soar", expiresAt: `${dateIn(3)}T12:00:00.000Z` }] });
    const added = row("Fabrikam Logistics");
    await added.waitFor();
    expect(await added.getByTestId("needs-owner").count()).toBe(1);
    expect(await added.getByTestId("expiry-warning").textContent()).toBe("soar expires in 3 days");
    const indent = async (name: string) => (await row(name).getByTestId("org-pick").boundingBox())!.x;
    expect(await indent("Fabrikam Logistics"), "it sits under the MSP").toBeGreaterThan(await indent(MSP));
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  async function acceptInvite(link: string): Promise<void> {
    const token = new URL(link).hash.replace(/^#token=/, "");
    const answer = await fetch(`${hub.url}/api/v1/auth/accept`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: hub.url },
      body: JSON.stringify({ token, password: PASSWORD }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
  }

  /** A second person in their own browser context, signed in through the form. */
  async function signInAs(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: LAPTOP });
    context.setDefaultTimeout(UI_TIMEOUT);
    const other = await context.newPage();
    other.on("pageerror", (error) => pageErrors.push(error.message));
    await other.goto(`${hub.url}/login`);
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password").fill(PASSWORD);
    await other.getByTestId("login-submit").click();
    await other.waitForURL(/\/nodes$/);
    return other;
  }

  async function rootName(): Promise<string> {
    return (await tree()).name;
  }
});
