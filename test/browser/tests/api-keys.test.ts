import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 15_000;
const KEY_NAME = "Ticketing sync".padEnd(100, "z");
const SCREENSHOT_DIR = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

// A script calls the hub with a key made on the API keys page, as whoever made it, never as more.
describe("API keys in Chromium, against a real hub", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let key = "";
  const pageErrors: string[] = [];

  const row = (name: string): Locator => page.locator(`[data-testid="api-key-row"][data-name="${name}"]`);
  /** What a script outside the browser gets from the hub with the key. */
  const callWithKey = (path: string) => fetch(`${hub.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: { width: 1280, height: 800 } } }));
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: hub.url });
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("creates a key and shows it once, with a copy button", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-admin").click();
    await page.getByTestId("admin-tab-api-keys").click();
    await page.getByTestId("api-keys-empty").waitFor();

    await page.getByTestId("new-api-key").click();
    const dialog = page.getByTestId("api-key-dialog");
    await dialog.getByTestId("api-key-submit").click();
    expect(await dialog.getByTestId("field-error").allTextContents()).toEqual(["Name the key after what will use it.", "Give at least one role."]);
    await dialog.getByLabel("Name").fill(KEY_NAME);
    await dialog.getByLabel("Analyst").check();
    await dialog.getByTestId("api-key-submit").click();

    key = (await dialog.getByTestId("api-key-secret").textContent())?.trim() ?? "";
    expect(key.length).toBeGreaterThan(20);
    await dialog.getByTestId("api-key-secret-copy").click();
    await expect.poll(() => dialog.getByTestId("api-key-secret-copy").textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await dialog.getByTestId("api-key-done").click();
    await dialog.waitFor({ state: "detached" });

    expect(await row(KEY_NAME).getByTestId("api-key-roles").textContent()).toBe("Analyst");
    expect(await row(KEY_NAME).getByTestId("api-key-creator").textContent()).toBe(ADMIN_EMAIL);
    expect(await row(KEY_NAME).getByTestId("api-key-last-used").textContent()).toBe("never");
    // The key itself is never listed.
    expect(await page.locator("body").innerText()).not.toContain(key);
  });

  it("lets a script call the API with the key, as an API key with the key's roles", async () => {
    const answer = await callWithKey("/me");
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ kind: "apiKey", email: null, roles: ["Analyst"] });
    // The list says it was used (after a reload: the page does not poll).
    await expect
      .poll(
        async () => {
          await page.reload();
          return row(KEY_NAME).getByTestId("api-key-last-used").textContent();
        },
        { timeout: UI_TIMEOUT },
      )
      .not.toBe("never");
  });

  it("keeps the page inside an 800 px window with a 100-character name", async () => {
    await page.setViewportSize({ width: 800, height: 700 });
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/canopy-api-keys-800.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("revokes the key after confirmation: the script is refused from then on", async () => {
    await row(KEY_NAME).getByTestId("api-key-revoke").click();
    await page.getByTestId("revoke-api-key-dialog").getByTestId("confirm").click();
    await row(KEY_NAME).waitFor({ state: "detached" });
    expect((await callWithKey("/me")).status).toBe(401);
  });

  it("offers a user with fewer permissions only the roles within theirs", async () => {
    await api("POST", "/roles", { name: "Key maker", permissions: ["organizations.view", "api-keys.manage"] });
    const invited = await api<{ inviteUrl: string }>("POST", "/users", { email: "keys@canopy.local", roles: ["Key maker", "Analyst"] });
    const token = new URL(invited.inviteUrl).hash.replace("#token=", "");
    const accepted = await fetch(`${hub.url}/api/v1/auth/accept`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: hub.url },
      body: JSON.stringify({ token, password: "key-maker-password-1" }),
    });
    expect(accepted.status).toBe(200);

    await page.getByTestId("logout").click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill("keys@canopy.local");
    await page.getByLabel("Password").fill("key-maker-password-1");
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/nodes$/);
    await page.getByTestId("nav-admin").click();
    await page.waitForURL(/\/admin\/api-keys$/);
    // Users and roles are not theirs to manage: no such tabs.
    expect(await page.getByTestId("admin-tab-users").count()).toBe(0);

    await page.getByTestId("new-api-key").click();
    const offered = await page.getByTestId("api-key-dialog").getByTestId("role-picker").locator("label").allTextContents();
    expect(offered.map((label) => label.replace(/\s*custom$/, "").trim()).sort()).toEqual(["Analyst", "Key maker", "Read only", "View Organizations"]);
    expect(pageErrors).toEqual([]);
  });
});
