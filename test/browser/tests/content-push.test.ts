import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldContent, type RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { spawnNode } from "../harness/child.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { agentBin } from "../harness/paths.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";
import { sharedDataFile } from "@canopy/shared-data";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;
const PUSH_TIMEOUT = 30_000;
const FIELD = "Escalation Tier";
// A real rule from the public Sigma repository, pasted as a user would.
const RULE_FILE = ["sigma", "rules", "windows", "process_creation", "proc_creation_win_7zip_password_compression.yml"];
const RULE_TITLE = "Compress Data and Lock With Password for Exfiltration With 7-ZIP";

// Content and pushes as a user clicks through them, against a real hub and three real agents.
describe("Content and pushes in Chromium, against a real hub and three agents", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];

  const row = (name: string): Locator => page.locator(`[data-testid="content-row"][data-name="${name}"]`);
  const syncLabel = (name: string) => row(name).getByTestId("sync-label");
  const dialog = () => page.getByTestId("push-dialog");
  const holders = async (kind: string, name: string) => {
    const held = await Promise.all(agents.map(async (agent) => ((await heldContent(agent.dataDir)).some((c) => c.kind === kind && c.name === name) ? agent.tenantName : null)));
    return held.filter(Boolean).sort();
  };
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `canopy-${name}.png`), fullPage: true });
  const markDocument = () => page.evaluate(() => ((globalThis as { __sameDocument?: boolean }).__sameDocument = true));
  const sameDocument = () => page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument === true);

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, ["Acme Corp", "Globex Retail", "Initech"], agents);
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents });
  });

  it("signs in and opens Custom Fields from the Content section", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-content").click();
    await page.waitForURL(/\/content\/playbooks$/);
    await page.getByTestId("content-tab-custom-fields").click();
    await page.waitForURL(/\/content\/custom-fields$/);
    await page.getByTestId("empty-state").waitFor();
    await markDocument();
  });

  it("creates a custom field in the form; it is not pushed yet", async () => {
    await page.getByTestId("new-field").click();
    const form = page.getByTestId("custom-field-dialog");
    await form.getByTestId("field-name").fill(FIELD);
    await form.getByTestId("field-type").selectOption("select");
    await form.getByTestId("field-options").fill("tier-1\ntier-2\ntier-2");
    await form.getByTestId("save-field").click();
    // The hub refuses the repeated option and says which line.
    await expect.poll(() => form.getByTestId("field-error").textContent()).toMatch(/Option 3: duplicate option/);

    await form.getByTestId("field-options").fill("tier-1\ntier-2\ntier-3");
    await form.getByTestId("field-default").selectOption("tier-1");
    await form.getByTestId("save-field").click();
    await form.waitFor({ state: "detached" });

    await syncLabel(FIELD).waitFor();
    expect(await syncLabel(FIELD).getAttribute("data-state")).toBe("not-pushed");
    expect(await syncLabel(FIELD).textContent()).toContain("Not pushed");
  });

  it("pushes the field to two of three tenants with the Push dialog (Many), previewing first", async () => {
    // Globex's agent is down while the push starts, so the progress has something to wait for.
    const globex = agents[1]!;
    await globex.child.stop();
    await expect.poll(async () => (await api<{ status: string }>("GET", `/tenants/${globex.tenantId}`)).status).toBe("offline");

    await row(FIELD).getByTestId("push-field").click();
    await dialog().locator('[data-testid="push-item"]', { hasText: FIELD }).waitFor();
    await dialog().getByTestId("destination-many").click();
    await dialog().locator('[data-testid="tenant-option"][data-tenant-name="Acme Corp"] input').check();
    await dialog().locator('[data-testid="tenant-option"][data-tenant-name="Globex Retail"] input').check();
    expect(await dialog().getByTestId("destination-summary").textContent()).toMatch(/Reaches\s*2\s*tenants/);

    await dialog().getByTestId("preview-push").click();
    await dialog().getByTestId("push-preview").waitFor();
    const plan = await dialog().getByTestId("preview-row").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-tenant-name")}:${r.getAttribute("data-action")}`));
    expect(plan.sort()).toEqual(["Acme Corp:create", "Globex Retail:create"]);
  });

  it("shows the progress live: one tenant applied and one pending, then complete when the agent returns", async () => {
    await dialog().getByTestId("start-push").click();
    const progress = dialog().getByTestId("push-progress");
    await progress.waitFor();
    const acmeRow = progress.locator('[data-testid="tenant-progress-row"][data-tenant-name="Acme Corp"]');
    const globexRow = progress.locator('[data-testid="tenant-progress-row"][data-tenant-name="Globex Retail"]');
    await acmeRow.and(page.locator('[data-state="done"]')).waitFor({ timeout: PUSH_TIMEOUT });
    expect(await globexRow.getAttribute("data-state")).toBe("pending");
    expect(await progress.getAttribute("data-state")).toBe("running");
    expect(await progress.getByTestId("count-applied").getAttribute("data-value")).toBe("1");
    expect(await progress.getByTestId("count-pending").getAttribute("data-value")).toBe("1");
    expect(await progress.getByTestId("progress-percent").textContent()).toBe("50%");
    // Behind the dialog, the row follows too: the field waits for one tenant.
    await expect.poll(() => syncLabel(FIELD).textContent()).toContain("1 pending");
    await shot("push-progress");

    // The agent comes back; the hub delivers on connect and the open view follows without a reload.
    agents[1] = { ...agents[1]!, child: spawnNode(agentBin, ["run", "--data-dir", agents[1]!.dataDir]) };
    await progress.and(page.locator('[data-state="completed"]')).waitFor({ timeout: PUSH_TIMEOUT });
    expect(await globexRow.getAttribute("data-state")).toBe("done");
    expect(await progress.getByTestId("count-applied").getAttribute("data-value")).toBe("2");
    expect(await progress.getByTestId("count-pending").getAttribute("data-value")).toBe("0");
    expect(await progress.getByTestId("progress-bar").getAttribute("data-done")).toBe("2");
    expect(await sameDocument()).toBe(true);
    await dialog().getByTestId("close-push").click();
    await dialog().waitFor({ state: "detached" });
  });

  it("shows the field synchronized 2/2 with the per-tenant detail, and exactly those agents hold it", async () => {
    await syncLabel(FIELD).and(page.locator('[data-state="synchronized"]')).waitFor({ timeout: PUSH_TIMEOUT });
    expect(await syncLabel(FIELD).textContent()).toContain("Synchronized 2/2");

    await row(FIELD).getByTestId("sync-indicator").click();
    const popover = page.getByTestId("sync-popover").filter({ has: page.getByTestId("sync-detail") });
    await popover.waitFor();
    const detail = await popover.getByTestId("sync-tenant").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-tenant-name")}:${r.getAttribute("data-state")}`));
    expect(detail).toEqual(["Acme Corp:applied", "Globex Retail:applied"]);
    await shot("custom-fields");
    await page.keyboard.press("Escape");

    expect(await holders("custom-field", FIELD)).toEqual(["Acme Corp", "Globex Retail"]);
  });

  it("imports a real Sigma rule pasted as YAML and finds it by search", async () => {
    await page.getByTestId("content-tab-siem-rules").click();
    await page.waitForURL(/\/content\/siem-rules/);
    await page.getByTestId("import-sigma").click();
    const importer = page.getByTestId("import-dialog");
    await importer.getByTestId("import-yaml").fill(sharedDataFile(...RULE_FILE));
    await importer.getByTestId("import-submit").click();
    await importer.getByTestId("import-result").waitFor();
    expect(await importer.getByTestId("import-created").getAttribute("data-count")).toBe("1");
    expect(await importer.getByTestId("import-refused").getAttribute("data-count")).toBe("0");
    expect(await importer.getByTestId("import-result").textContent()).toContain(RULE_TITLE);
    await importer.getByTestId("import-done").click();
    await importer.waitFor({ state: "detached" });

    await page.getByTestId("content-search").fill("lock with password");
    await page.waitForURL(/q=lock/);
    await expect.poll(() => page.getByTestId("content-row").count()).toBe(1);
    await row(RULE_TITLE).waitFor();
    expect(await row(RULE_TITLE).getByTestId("rule-level").textContent()).toBe("Medium");
    expect(await row(RULE_TITLE).getByTestId("tag").allTextContents()).toContain("attack.t1560.001");
  });

  it("pushes the rule to all tenants; all three agents hold it", async () => {
    await row(RULE_TITLE).getByTestId("push-item").click();
    await dialog().getByTestId("destination-all").waitFor();
    expect(await dialog().getByTestId("destination-summary").textContent()).toMatch(/Reaches\s*3\s*tenants/);
    await dialog().getByTestId("start-push").click();
    const progress = dialog().getByTestId("push-progress");
    await progress.and(page.locator('[data-state="completed"]')).waitFor({ timeout: PUSH_TIMEOUT });
    expect(await progress.getByTestId("count-applied").getAttribute("data-value")).toBe("3");
    expect(await progress.getByTestId("tenant-progress-row").count()).toBe(3);
    await dialog().getByTestId("close-push").click();

    await syncLabel(RULE_TITLE).and(page.locator('[data-state="synchronized"]')).waitFor({ timeout: PUSH_TIMEOUT });
    expect(await syncLabel(RULE_TITLE).textContent()).toContain("Synchronized 3/3");
    await shot("siem-rules");
    expect(await holders("siem-rule", RULE_TITLE)).toEqual(["Acme Corp", "Globex Retail", "Initech"]);
  });

  it("lists both pushes in History, newest first, with every result", async () => {
    await page.getByTestId("nav-history").click();
    await page.waitForURL(/\/history/);
    await expect.poll(() => page.getByTestId("history-row").count()).toBe(2);
    expect(await page.getByTestId("history-title").allTextContents()).toEqual([RULE_TITLE, FIELD]);
    await shot("history");

    await page.getByTestId("history-title").nth(1).click();
    await page.waitForURL(/\/history\/[^/]+$/);
    const results = page.getByTestId("result-row");
    await expect.poll(() => results.count()).toBe(2);
    expect(await results.evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-tenant-name")}:${r.getAttribute("data-status")}`))).toEqual([
      "Acme Corp:applied",
      "Globex Retail:applied",
    ]);
    expect(await page.getByTestId("push-created-by").textContent()).toBe(ADMIN_EMAIL);
    await shot("history-push");
    expect(await sameDocument()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("names every tenant on a finished push's page opened by its address (a reload, a shared link)", async () => {
    // The push loads before the tenant list does here; its tenants' names must still replace their ids.
    await page.reload();
    const results = page.getByTestId("result-row");
    await expect.poll(() => results.count()).toBe(2);
    await expect
      .poll(() => results.evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-tenant-name")}|${r.querySelector("td")?.textContent}`)))
      .toEqual(["Acme Corp|Acme Corp", "Globex Retail|Globex Retail"]);
    expect(pageErrors).toEqual([]);
  });
});
