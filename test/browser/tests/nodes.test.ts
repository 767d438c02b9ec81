import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../harness/chromium.js";
import { exitWithin, runNode, spawnNode, stopAllChildren, type Child } from "../harness/child.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startHub, type TestHub } from "../harness/hub.js";
import { agentBin } from "../harness/paths.js";

const SCREENSHOT = process.env.CANOPY_SCREENSHOT ?? "/tmp/canopy-nodes.png";
const UI_TIMEOUT = 15_000;

// One user story, in order: each step builds on the one before, as a person would click through.
describe("Nodes Management in Chromium, against a real hub and agent", () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let agentDataDir: string;
  let agent: Child | undefined;
  const pageErrors: string[] = [];

  const row = (name: string): Locator => page.locator(`[data-testid="tenant-row"][data-tenant-name="${name}"]`);

  /** A marker on `window` that only a full page load would remove. */
  const markDocument = () => page.evaluate(() => ((globalThis as { __sameDocument?: boolean }).__sameDocument = true));
  const sameDocument = () => page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument === true);

  beforeAll(async () => {
    hub = await startHub();
    agentDataDir = await mkdtemp(join(tmpdir(), "canopy-browser-agent-"));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: hub.url });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllChildren();
    await hub?.close();
    if (agentDataDir) await rm(agentDataDir, { recursive: true, force: true });
  });

  it("sends a visitor to the login page and refuses a wrong password", async () => {
    await page.goto(`${hub.url}/nodes`);
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByTestId("login-submit").click();
    await expect.poll(() => page.getByTestId("login-error").textContent()).toContain("incorrect");
  });

  it("logs in and shows the empty Nodes page with the user and role", async () => {
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/nodes$/);
    await page.getByTestId("empty-state").waitFor();
    expect(await page.getByTestId("current-user").textContent()).toContain(ADMIN_EMAIL);
    expect(await page.getByTestId("current-role").textContent()).toBe("admin");
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor();
  });

  let command = "";

  it("creates a tenant and shows its pairing code, countdown and exact command", async () => {
    await markDocument();
    await page.getByTestId("new-tenant").click();
    const dialog = page.getByTestId("new-tenant-dialog");
    await dialog.getByLabel("Name").fill("Acme Corp");
    await dialog.getByLabel("Tags").fill("finance, eu-west");
    await dialog.getByLabel("Description").fill("Head office SOC");
    await dialog.getByTestId("save-tenant").click();

    const code = (await dialog.getByTestId("pairing-code").textContent())?.trim() ?? "";
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    command = (await dialog.getByTestId("pairing-command").textContent())?.trim() ?? "";
    expect(command).toBe(`canopy-agent pair --hub ${hub.url} --code ${code}`);
    expect(await dialog.getByTestId("pairing-expiry").textContent()).toMatch(/Expires in\s*1[45]:\d\d/);

    await dialog.getByTestId("copy-command").click();
    await expect.poll(() => dialog.getByTestId("copy-command").textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);

    // The new tenant is already in the table behind the dialog, unpaired.
    expect(await row("Acme Corp").getByTestId("tenant-status").textContent()).toContain("Unpaired");
  });

  it("turns the row online without a reload once a real agent pairs and runs", async () => {
    const args = command.replace(/^canopy-agent /, "").split(/\s+/);
    const paired = await runNode(agentBin, [...args, "--data-dir", agentDataDir]);
    expect(paired.code, paired.output).toBe(0);

    agent = spawnNode(agentBin, ["run", "--data-dir", agentDataDir]);
    const dialog = page.getByTestId("new-tenant-dialog");
    await dialog.getByTestId("pairing-success").waitFor();
    await dialog.getByTestId("pairing-done").click();
    await dialog.waitFor({ state: "detached" });

    await row("Acme Corp").locator('[data-testid="tenant-status"][data-status="online"]').waitFor();
    expect(await row("Acme Corp").getByTestId("tenant-status").textContent()).toContain("Online");
    expect(await row("Acme Corp").getByTestId("tenant-hostname").textContent()).toBe(hostname());
    expect(await row("Acme Corp").getByTestId("tenant-agent-version").textContent()).toMatch(/\d+\.\d+\.\d+/);
    expect(await sameDocument()).toBe(true);
  });

  it("shows a second, unpaired tenant beside it", async () => {
    await page.getByTestId("new-tenant").click();
    const dialog = page.getByTestId("new-tenant-dialog");
    await dialog.getByLabel("Name").fill("Globex Retail");
    await dialog.getByLabel("Tags").fill("retail");
    await dialog.getByTestId("save-tenant").click();
    await dialog.getByTestId("pairing-code").waitFor();
    await dialog.getByTestId("pairing-done").click();
    await dialog.waitFor({ state: "detached" });

    expect(await page.getByTestId("tenant-row").count()).toBe(2);
    expect(await page.getByTestId("nodes-summary").textContent()).toContain("1 online");
    // Made without an owner: the list says so, and the badge leads to the organization's owners.
    const badge = row("Globex Retail").getByTestId("tenant-needs-owner");
    expect(await badge.textContent()).toBe("needs an owner");
    expect(await badge.getAttribute("href")).toMatch(/^\/organizations\?open=tnt_[\w-]+&tab=owners$/);
  });

  it("filters the table by search text and by status", async () => {
    await page.getByTestId("tenant-search").fill("retail");
    await expect.poll(() => page.getByTestId("tenant-row").count()).toBe(1);
    await page.getByTestId("tenant-search").fill("");
    await page.getByTestId("status-filter-online").click();
    await expect.poll(() => page.getByTestId("tenant-row").count()).toBe(1);
    expect(await row("Acme Corp").count()).toBe(1);
    await page.getByTestId("status-filter-all").click();
    await expect.poll(() => page.getByTestId("tenant-row").count()).toBe(2);
  });

  it("pings the tenant and shows the round-trip time", async () => {
    await row("Acme Corp").getByTestId("ping").click();
    const toast = page.locator('[data-testid="toast"][data-kind="success"]', { hasText: "Ping Acme Corp" });
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/\d+(\.\d)? ms/);
    expect(await row("Acme Corp").getByTestId("tenant-rtt").textContent()).toMatch(/\d+(\.\d)? ms/);

    // A picture of the page with an online tenant, for people to look at (toasts dismissed).
    const dismiss = page.getByRole("button", { name: "Dismiss" }).first();
    // Toasts also leave by themselves, so a vanished one is fine.
    while ((await dismiss.count()) > 0) await dismiss.click({ timeout: 2_000 }).catch(() => undefined);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("edits the tenant: a field error first, then the new name in the table", async () => {
    await row("Acme Corp").getByTestId("edit").click();
    const dialog = page.getByTestId("edit-dialog");
    await dialog.getByLabel("Name").fill("Globex Retail");
    await dialog.getByTestId("save-tenant").click();
    // A duplicate name is refused by the hub (409) and shown under the name field.
    await expect.poll(() => dialog.getByTestId("field-error").textContent()).toContain("already exists");

    await dialog.getByLabel("Name").fill("Acme Holdings");
    await dialog.getByLabel("Tags").fill("finance, eu-west, tier-1");
    await dialog.getByTestId("save-tenant").click();
    await dialog.waitFor({ state: "detached" });
    await row("Acme Holdings").waitFor();
    expect(await row("Acme Corp").count()).toBe(0);
    expect(await row("Acme Holdings").getByTestId("tag").allTextContents()).toEqual(["finance", "eu-west", "tier-1"]);
    expect(await row("Acme Holdings").getByTestId("tenant-status").textContent()).toContain("Online");
  });

  it("connects to the tenant and shows what its agent reports", async () => {
    await row("Acme Holdings").getByTestId("connect").click();
    await page.waitForURL(/\/nodes\/[^/]+$/);
    expect(await page.getByTestId("tenant-title").textContent()).toBe("Acme Holdings");
    await page.getByTestId("connect-info").waitFor();
    expect(await page.getByTestId("info-hostname").textContent()).toBe(hostname());
    expect(await page.getByTestId("info-node-version").textContent()).toBe(process.version);
    expect(await page.getByTestId("info-agent-version").textContent()).toMatch(/\d+\.\d+\.\d+/);
    expect(await page.getByTestId("info-insights").textContent()).toBe("0");
    await page.getByTestId("content-empty").waitFor();

    await page.getByTestId("refresh").click();
    await page.locator('[data-testid="refresh"]:not([disabled])').waitFor();
    expect(await page.getByTestId("connect-error").count()).toBe(0);

    await page.getByRole("link", { name: "Nodes", exact: true }).first().click();
    await page.waitForURL(/\/nodes$/);
    expect(await sameDocument()).toBe(true);
  });

  it("unpairs the tenant after confirmation; the row shows unpaired and the agent exits with 3", async () => {
    await row("Acme Holdings").getByTestId("unpair").click();
    const dialog = page.getByTestId("unpair-dialog");
    expect(await dialog.textContent()).toContain("Acme Holdings");
    await dialog.getByTestId("confirm").click();
    await dialog.waitFor({ state: "detached" });

    await row("Acme Holdings").locator('[data-testid="tenant-status"][data-status="unpaired"]').waitFor();
    expect(await row("Acme Holdings").getByTestId("tenant-status").textContent()).toContain("Unpaired");
    expect(await row("Acme Holdings").getByTestId("pair").count()).toBe(1);
    expect(await exitWithin(agent!, 15_000, "canopy-agent run")).toBe(3);
    expect(await sameDocument()).toBe(true);
  });

  it("signs out; the app then sends visitors to the login page", async () => {
    await page.getByTestId("logout").click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${hub.url}/nodes`);
    await page.waitForURL(/\/login/);
  });

  it("tells the user to wait once failed sign-ins are rate-limited (429)", async () => {
    const error = page.getByTestId("login-error");
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await page.getByLabel("Email").fill(ADMIN_EMAIL);
      await page.getByLabel("Password").fill(`wrong-${attempt}`);
      await page.getByTestId("login-submit").click();
      await page.locator('[data-testid="login-submit"]:not([disabled])').waitFor();
      if ((await error.textContent())?.includes("Too many")) break;
    }
    expect(await error.textContent()).toMatch(/Too many sign-in attempts\. Try again in \d+ (seconds|minutes)\./);
    expect(pageErrors).toEqual([]);
  });
});
