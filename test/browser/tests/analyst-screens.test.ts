import { join } from "node:path";
import type { Browser, Locator, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSiemInsights, waitForHubInsights, type SiemInsight } from "../harness/agent-insights.js";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { expectInside, expectInViewport, expectNoPageOverflow, expectReachable, hiddenWidth } from "../harness/layout.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;
const LAPTOP = { width: 1280, height: 800 };
const NARROW = { width: 800, height: 900 };
/** The longest name the hub takes (100 characters), with no space to break it at. */
const LONG = "NorthwindTradersInternationalHoldingsManagedSecurityOperationsCentreEuropeMiddleEastAfricaRegionSOC1";
const ACME = "Acme Corp";
const PAGE_SIZE = 50;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const insight = (prefix: string, index: number): SiemInsight => ({
  id: `${prefix}-${String(index).padStart(3, "0")}`,
  title: `${prefix} detection ${index}: encoded PowerShell on WS-${index}`,
  severity: (["low", "medium", "high", "critical"] as const)[index % 4]!,
  status: "new",
  createdAt: minutesAgo(index),
  ruleName: "Suspicious Encoded PowerShell Command Line",
  tactics: ["execution"],
  techniques: ["T1059.001"],
  hosts: [`ws-${index}.corp.example`],
  users: [`user${index}`],
});

// An MSSP analyst's day on a laptop and in a narrow window: long tenant names, shared links, paging, sign-out.
describe("The console as an analyst uses it: narrow windows, long names, links and sign-out", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  const row = (name: string): Locator => page.locator(`[data-testid="tenant-row"][data-tenant-name="${name}"]`);
  const rowParts = (name: string) => ["tenant-status", "ping", "connect", "edit", "unpair"].map((testid) => [testid, row(name).getByTestId(testid)] as const);

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, [LONG, ACME], agents);
    await importSiemInsights(agents[0]!, Array.from({ length: PAGE_SIZE + 10 }, (_, index) => insight("nw", index + 1)));
    await importSiemInsights(agents[1]!, [insight("acme", 1), insight("acme", 2)]);
    await waitForHubInsights(api, PAGE_SIZE + 12);
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: LAPTOP } }));
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents });
  });

  it("on a laptop, a 100-character tenant name wraps and its row's status and actions stay in the window", async () => {
    await signInAsAdmin(page, hub.url);
    await row(LONG).locator('[data-testid="tenant-status"][data-status="online"]').waitFor();
    for (const [testid, part] of rowParts(LONG)) await expectInViewport(page, part, `${testid} of the long-named row`);
    // The whole name is still there to read, and to hover.
    const name = row(LONG).getByTestId("tenant-name");
    expect(await name.textContent()).toBe(LONG);
    expect(await name.getAttribute("title")).toBe(LONG);
    await expectInside(name, row(LONG).locator("td").first(), "the long name");
    await expectNoPageOverflow(page, "Nodes at 1280 px");
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-nodes-1280.png") });
  });

  it("names each row's buttons after its tenant for screen readers", async () => {
    for (const tenant of [LONG, ACME]) {
      for (const verb of ["Ping", "Edit", "Unpair"]) {
        const button = page.getByRole("button", { name: `${verb} ${tenant}`, exact: true });
        expect(await button.count(), `button "${verb} ${tenant}"`).toBe(1);
      }
      expect(await page.getByRole("link", { name: `Connect to ${tenant}`, exact: true }).count()).toBe(1);
    }
    // The old, nameless labels are gone: every "Ping" says which tenant.
    expect(await page.getByRole("button", { name: "Ping", exact: true }).count()).toBe(0);
  });

  const expectDialogFits = async (dialog: Locator, where: string) => {
    await dialog.waitFor();
    await expectInViewport(page, dialog, `the dialog (${where})`);
    expect(await hiddenWidth(dialog), `the dialog clips its content (${where})`).toBe(0);
    await expectInside(dialog.getByRole("heading"), dialog, `the dialog's title (${where})`);
    await expectInside(dialog.getByTestId("confirm"), dialog, `the confirm button (${where})`);
    await expectInside(dialog.getByRole("button", { name: "Cancel" }), dialog, `the cancel button (${where})`);
    expect(await dialog.getByRole("heading").textContent()).toContain(LONG);
  };

  it("fits the unpair and delete dialogs around a 100-character name, on a laptop and at 800 px", async () => {
    for (const viewport of [LAPTOP, NARROW]) {
      await page.setViewportSize(viewport);
      const where = `${viewport.width} px`;
      await row(LONG).getByTestId("unpair").click();
      const unpair = page.getByTestId("unpair-dialog");
      await expectDialogFits(unpair, `unpair, ${where}`);
      await unpair.getByRole("button", { name: "Cancel" }).click();
      await unpair.waitFor({ state: "detached" });

      await row(LONG).getByTestId("edit").click();
      const edit = page.getByTestId("edit-dialog");
      await expectInViewport(page, edit, `the edit dialog (${where})`);
      expect(await hiddenWidth(edit), `the edit dialog clips its content (${where})`).toBe(0);
      await edit.getByTestId("delete").click();
      const remove = page.getByTestId("delete-dialog");
      await expectDialogFits(remove, `delete, ${where}`);
      await remove.getByRole("button", { name: "Cancel" }).click();
      await remove.waitFor({ state: "detached" });
    }
    // Nothing was unpaired or deleted.
    expect(await row(LONG).getAttribute("data-status")).toBe("online");
  });

  it("at 800 px every row's status and actions can be reached: in the window, or in a table that shows it scrolls", async () => {
    await page.setViewportSize(NARROW);
    await expectNoPageOverflow(page, "Nodes at 800 px");
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-nodes-800.png") });
    for (const tenant of [LONG, ACME]) {
      for (const [testid, part] of rowParts(tenant)) await expectReachable(page, part, `${testid} of ${tenant}`);
    }
  });

  it("at 800 px the Insights table's columns can be reached the same way", async () => {
    await page.getByTestId("nav-insights").click();
    await page.waitForURL(/\/insights/);
    await page.getByTestId("insight-row").first().waitFor();
    await expectNoPageOverflow(page, "Insights at 800 px");
    const table = page.getByTestId("insight-table");
    await expectReachable(page, table.getByRole("columnheader", { name: /Updated/ }), "the Updated column");
    await expectReachable(page, table.getByRole("columnheader", { name: "Assignee" }), "the Assignee column");
    await expectReachable(page, page.getByTestId("insight-row").first().getByTestId("insight-assignee"), "the first row's assignee");
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-insights-800.png") });
  });

  it("opens a shared /insights?open=… link with the drawer and no script error", async () => {
    await page.setViewportSize(LAPTOP);
    const { items } = await api<{ items: { id: string; title: string }[] }>("GET", "/insights?limit=1&q=acme%20detection%202");
    const shared = items[0]!;
    // As a link is pasted into a chat: the id as is (it holds a `~`), then as the browser escapes it.
    for (const open of [shared.id, encodeURIComponent(shared.id).replaceAll("~", "%7E")]) {
      const errorsBefore = pageErrors.length;
      await page.goto(`${hub.url}/insights?open=${open}`);
      const drawer = page.getByTestId("insight-drawer");
      await drawer.getByTestId("insight-detail").waitFor();
      expect(await drawer.getByTestId("detail-title").textContent()).toBe(shared.title);
      await page.getByTestId("insight-row").first().waitFor();
      expect(pageErrors.slice(errorsBefore), `page errors loading ?open=${open}`).toEqual([]);
      expect(new URL(page.url()).searchParams.get("open")).toBe(shared.id);
    }
    expect(consoleErrors.filter((text) => text.includes("$set"))).toEqual([]);
    await page.getByTestId("close-drawer").click();
  });

  it("keeps the insight page in the address: reload, back and a shared link show the same page", async () => {
    await page.goto(`${hub.url}/insights`);
    await page.getByTestId("insight-row").first().waitFor();
    expect(await page.getByTestId("page-number").textContent()).toContain("Page 1 of 2");
    await page.getByTestId("page-next").click();
    await expect.poll(() => page.getByTestId("page-number").textContent()).toContain("Page 2 of 2");
    await expect.poll(() => new URL(page.url()).searchParams.get("page")).toBe("2");
    const pageTwo = await page.getByTestId("insight-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-id")));
    expect(pageTwo).toHaveLength(12);
    const firstRows = () => page.getByTestId("insight-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-id")));
    const address = page.url();

    await page.reload();
    await expect.poll(() => page.getByTestId("page-number").textContent()).toContain("Page 2 of 2");
    await expect.poll(firstRows).toEqual(pageTwo);

    // Into an insight's own page and back: the list comes back on page 2.
    await page.getByTestId("insight-row").first().getByTestId("insight-title").click();
    await page.getByTestId("open-insight-page").click();
    await page.waitForURL(/\/insights\/[^/?]+$/);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === "/insights" && url.searchParams.get("page") === "2");
    await expect.poll(() => page.getByTestId("page-number").textContent()).toContain("Page 2 of 2");
    await expect.poll(firstRows).toEqual(pageTwo);
    await page.getByTestId("close-drawer").click({ timeout: 2_000 }).catch(() => undefined);

    // The address as shared, in another tab.
    const other = await page.context().newPage();
    other.on("pageerror", (error) => pageErrors.push(error.message));
    await other.goto(address.replace(/&?open=[^&]*/, ""));
    await expect.poll(() => other.getByTestId("page-number").textContent()).toContain("Page 2 of 2");
    await expect.poll(() => other.getByTestId("insight-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-id")))).toEqual(pageTwo);
    await other.close();

    // Previous goes back to the first page, and the address says so.
    await page.getByTestId("page-previous").click();
    await expect.poll(() => page.getByTestId("page-number").textContent()).toContain("Page 1 of 2");
    expect(new URL(page.url()).searchParams.get("page")).toBeNull();
  });

  it("shows every column of the Node health widget at its default size", async () => {
    const { items } = await api<{ items: { name: string; hostname: string; agentVersion: string }[] }>("GET", "/tenants?limit=200");
    for (const viewport of [LAPTOP, { width: 1440, height: 900 }]) {
      await page.setViewportSize(viewport);
      await page.goto(`${hub.url}/dashboards`);
      const widget = page.locator('[data-testid="widget-card"][data-widget-type="node-health"]');
      await widget.locator('[data-testid="table-row"]').first().waitFor();
      const where = `at ${viewport.width} px`;
      const scroller = widget.getByTestId("table-scroll");
      expect(await hiddenWidth(scroller), `the node table is cut off ${where}`).toBe(0);
      // Every column shown lies inside the widget: Tenant, Status, Last seen and RTT at least;
      // the agent version and host as columns, or under the name when the widget is narrow.
      const headers = widget.getByRole("columnheader");
      const shown: string[] = [];
      for (let index = 0; index < (await headers.count()); index += 1) {
        const header = headers.nth(index);
        if (!(await header.isVisible())) continue;
        shown.push((await header.innerText()).replace(/\s+/g, " ").toLowerCase());
        await expectInside(header, scroller, `the "${shown.at(-1)}" column ${where}`);
      }
      expect(shown.slice(0, 4), where).toEqual(["tenant", "status", "last seen", "rtt (ms)"]);
      for (const tenant of items) {
        const row = widget.getByTestId("table-row").filter({ has: page.locator(`[data-column="tenant"][data-value="${tenant.name}"]`) });
        const text = await row.innerText();
        for (const value of ["Online", tenant.agentVersion, tenant.hostname]) expect(text, `the row of ${tenant.name} ${where}`).toContain(value);
        await expectInside(row.locator('[data-column="rttMs"]'), scroller, `the RTT of ${tenant.name} ${where}`);
      }
      // A long tenant name is shortened, with the whole of it on hover.
      const longName = widget.locator(`[data-column="tenant"][data-value="${LONG}"] [title="${LONG}"]`);
      expect(await longName.count(), where).toBe(1);
      await expectInside(longName, scroller, `the long name ${where}`);
      await widget.screenshot({ path: join(SCREENSHOTS, `canopy-node-health-${viewport.width}.png`) });
    }
  });

  it("makes no authenticated request once signed out, whatever was live or in flight", async () => {
    await page.setViewportSize(LAPTOP);
    await page.goto(`${hub.url}/insights`);
    await page.getByTestId("insight-row").first().waitFor();
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor();

    // Every API request the page makes from the moment it tells the hub it signs out.
    const after: string[] = [];
    let signedOut = false;
    const record = (request: Request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith("/api/v1/")) return;
      if (request.method() === "POST" && url.pathname === "/api/v1/auth/logout") signedOut = true;
      else if (signedOut) after.push(`${request.method()} ${url.pathname}${url.search}`);
    };
    page.on("request", record);
    // New insights arrive just as the analyst signs out: the live list would reload for them.
    const arriving = importSiemInsights(agents[1]!, [insight("acme", 3), insight("acme", 4)]);
    await page.getByTestId("logout").click();
    await page.waitForURL(/\/login$/);
    await page.getByTestId("login-submit").waitFor();
    await arriving;
    await waitForHubInsights(api, PAGE_SIZE + 14);
    // More activity after the hub has them: anything still listening would ask now.
    await importSiemInsights(agents[0]!, [insight("nw", 99)]);
    await waitForHubInsights(api, PAGE_SIZE + 15);
    page.off("request", record);
    expect(signedOut).toBe(true);
    expect(after.join("\n"), "requests after sign-out").toBe("");
    expect(pageErrors).toEqual([]);
  });
});
