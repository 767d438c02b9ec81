import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { removeAgentDirs, startPairedAgent, waitOnline, type RunningAgent } from "./agents.js";
import type { Api } from "./api.js";
import { launchChromium } from "./chromium.js";
import { stopAllChildren } from "./child.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestHub } from "./hub.js";

/** The setup and teardown most browser scenarios share: agents online, a page, the admin signed in. */

/**
 * Pairs one agent per tenant name and waits until all are online. Each agent goes into `agents` as
 * soon as it starts, so the scenario's afterAll removes it even when a later one fails.
 */
export async function startOnlineAgents(api: Api, hubUrl: string, tenantNames: readonly string[], agents: RunningAgent[]): Promise<void> {
  for (const name of tenantNames) agents.push(await startPairedAgent(api, hubUrl, name));
  await waitOnline(
    api,
    agents.map((agent) => agent.tenantId),
  );
}

/** Chromium with one page (1440×900 unless `context` says otherwise); uncaught page errors go into `pageErrors`. */
export async function openPage(options: { timeout: number; pageErrors: string[]; context?: BrowserContextOptions }): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options.context });
  context.setDefaultTimeout(options.timeout);
  const page = await context.newPage();
  page.on("pageerror", (error) => options.pageErrors.push(error.message));
  return { browser, page };
}

/** Signs in through the login form as the hub's admin, who lands on Nodes. */
export async function signInAsAdmin(page: Page, hubUrl: string): Promise<void> {
  await page.goto(`${hubUrl}/login`);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/nodes$/);
}

/** Closes what the scenario started, whatever of it did start. */
export async function stopScenario(parts: { browser?: Browser; hub?: TestHub; agents: readonly (RunningAgent | undefined)[] }): Promise<void> {
  await parts.browser?.close();
  await stopAllChildren();
  await parts.hub?.close();
  await removeAgentDirs(parts.agents.filter((agent): agent is RunningAgent => agent !== undefined));
}
