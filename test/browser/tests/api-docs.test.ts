import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { openPage, signInAsAdmin, stopScenario } from "../harness/scenario.js";

const UI_TIMEOUT = 20_000;

interface ApiDocsViolation {
  directive: string;
  blocked: string;
  source: string;
}

declare global {
  interface Window {
    __apiDocsViolations: ApiDocsViolation[];
  }
}

/** Records every CSP violation of the document, before any of its scripts run. */
function recordViolations(): void {
  window.__apiDocsViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__apiDocsViolations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, source: `${event.sourceFile}:${event.lineNumber}` });
  });
}

// The API docs page (GET /api/docs): Scalar renders the hub's OpenAPI document in a real Chromium,
// reached from the UI's header, under the page's own policy, with every request to the hub itself.
describe("the API docs page in Chromium", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleCsp: string[] = [];
  const elsewhere: string[] = [];
  const hubRequests: Request[] = [];

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await api("POST", "/tenants", { name: "Acme Corp" });
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors }));
    await page.context().addInitScript(recordViolations);
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) consoleCsp.push(message.text());
    });
    // Every request the page makes, blocked or not: a CDN font or a telemetry call would show here.
    page.on("request", (request) => {
      if (new URL(request.url()).origin === hub.url) hubRequests.push(request);
      else if (!request.url().startsWith("data:")) elsewhere.push(request.url());
    });
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents: [] });
  });

  it("opens from the header, renders the operations and calls the API with the reader's session, all from the hub", async () => {
    await signInAsAdmin(page, hub.url);
    const [document] = await Promise.all([page.waitForResponse(`${hub.url}/api/docs`), page.getByTestId("nav-api docs").click()]);
    await page.waitForURL(`${hub.url}/api/docs`);
    const csp = document.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");

    // The document's tags in the sidebar, and an operation by its summary once its tag is opened.
    const sidebar = page.getByRole("complementary", { name: "Sidebar for Canopy hub API" });
    for (const tag of ["auth", "tenants", "content", "pushes", "insights", "dashboards"]) {
      await sidebar.getByRole("link", { name: tag, exact: true }).waitFor();
    }
    await sidebar.getByRole("link", { name: "tenants", exact: true }).click();
    const listTenants = page.getByRole("heading", { name: /^List tenants, sorted by name/ });
    await listTenants.waitFor();
    await page.screenshot({ path: "/tmp/canopy-api-docs.png" });

    // "Test Request" → Send: a same-origin call with the signed-in reader's cookie, answered 200.
    await page.locator("section", { has: listTenants }).getByRole("button", { name: "Test Request" }).click();
    const client = page.getByRole("dialog", { name: "API Client" });
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().startsWith(`${hub.url}/api/v1/tenants`) && response.request().method() === "GET"),
      client.getByRole("button", { name: `Send get request to ${hub.url}/api/v1/tenants` }).click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain("Acme Corp");
    await client.getByText("Acme Corp").first().waitFor();
    await page.screenshot({ path: "/tmp/canopy-api-docs-request.png" });

    // Scalar's bundle came from the hub, gzipped and cached for good.
    const bundle = hubRequests.find((request) => /\/api\/docs\/assets\/scalar-api-reference\.[0-9a-f]{12}\.js$/.test(request.url()));
    const bundleHeaders = (await bundle!.response())!.headers();
    expect(bundleHeaders["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(bundleHeaders["content-encoding"]).toBe("gzip");

    expect(elsewhere).toEqual([]);
    expect(await page.evaluate(() => window.__apiDocsViolations)).toEqual([]);
    expect(consoleCsp).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
