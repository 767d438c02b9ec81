import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentInsights, importSiemInsights, waitForHubInsights, type SiemInsight } from "../harness/agent-insights.js";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { spawnNode } from "../harness/child.js";
import { ADMIN_EMAIL, startHub, type TestHub } from "../harness/hub.js";
import { agentBin } from "../harness/paths.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;
const ACK_TIMEOUT = 30_000;
const ANALYST = "analyst@mssp.example";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

// What each tenant's SIEM exported: ATT&CK-mapped detections with hosts and users, as NDJSON.
const ACME: SiemInsight[] = [
  {
    id: "acme-001",
    title: "LSASS memory dumped with Procdump on ACME-DC01",
    severity: "critical",
    status: "new",
    createdAt: minutesAgo(5),
    ruleId: "5afee48e-67dd-4e03-a783-f74259dcf998",
    ruleName: "LSASS Memory Dump via Procdump",
    tactics: ["credential-access"],
    techniques: ["T1003.001"],
    hosts: ["acme-dc01"],
    users: ["svc-backup"],
    description: "procdump64.exe -ma lsass.exe was run by a service account outside its maintenance window.",
  },
  {
    id: "acme-002",
    title: "Encoded PowerShell command on ACME-WS-12",
    severity: "high",
    status: "new",
    createdAt: minutesAgo(12),
    ruleId: "ca2092a1-c273-4878-9b4b-0d60115bf5ea",
    ruleName: "Suspicious Encoded PowerShell Command Line",
    tactics: ["execution"],
    techniques: ["T1059.001"],
    hosts: ["acme-ws-12"],
    users: ["j.doe"],
    description: "powershell.exe -enc with a base64 payload that downloads a second stage.",
    fields: { process: "powershell.exe", parentProcess: "winword.exe", commandLineLength: 1822 },
  },
  {
    id: "acme-003",
    title: "Scheduled task created by Word on ACME-WS-07",
    severity: "medium",
    status: "new",
    createdAt: minutesAgo(30),
    ruleName: "Scheduled Task Created by Office Application",
    tactics: ["persistence"],
    techniques: ["T1053.005"],
    hosts: ["acme-ws-07"],
    users: ["m.smith"],
  },
  {
    id: "acme-004",
    title: "Admin share accessed from ACME-WS-03",
    severity: "low",
    status: "new",
    createdAt: minutesAgo(45),
    tactics: ["lateral-movement"],
    techniques: ["T1021.002"],
    hosts: ["acme-ws-03", "acme-fs01"],
    users: ["it-admin"],
  },
  {
    id: "acme-005",
    title: "Mimikatz command line on ACME-WS-21",
    severity: "critical",
    status: "new",
    createdAt: minutesAgo(60),
    tactics: ["credential-access"],
    techniques: ["T1003.001", "T1558.003"],
    hosts: ["acme-ws-21"],
    users: ["k.lee"],
  },
];
const GLOBEX: SiemInsight[] = [
  {
    id: "globex-001",
    title: "LSASS handle opened by an unsigned binary on GLOBEX-POS-4",
    severity: "critical",
    status: "new",
    createdAt: minutesAgo(3),
    tactics: ["credential-access"],
    techniques: ["T1003.001"],
    hosts: ["globex-pos-4"],
    users: ["SYSTEM"],
  },
  {
    id: "globex-002",
    title: "Encoded PowerShell on GLOBEX-WS-2",
    severity: "high",
    status: "new",
    createdAt: minutesAgo(20),
    tactics: ["execution"],
    techniques: ["T1059.001"],
    hosts: ["globex-ws-2"],
    users: ["a.ng"],
  },
  {
    id: "globex-003",
    title: "New local administrator on GLOBEX-SRV-1",
    severity: "medium",
    status: "new",
    createdAt: minutesAgo(40),
    tactics: ["persistence"],
    techniques: ["T1136.001"],
    hosts: ["globex-srv-1"],
    users: ["tmp-admin"],
  },
  {
    id: "globex-004",
    title: "RDP logon from an unusual country to GLOBEX-JUMP",
    severity: "low",
    status: "new",
    createdAt: minutesAgo(90),
    tactics: ["initial-access"],
    techniques: ["T1133"],
    hosts: ["globex-jump"],
    users: ["vendor-rdp"],
  },
];
// Delivered while the list is open, to see it refresh by itself.
const GLOBEX_LATER: SiemInsight[] = [
  { id: "globex-005", title: "Kerberoasting burst from GLOBEX-WS-9", severity: "high", status: "new", createdAt: minutesAgo(1), techniques: ["T1558.003"], hosts: ["globex-ws-9"] },
  { id: "globex-006", title: "Defender disabled on GLOBEX-WS-5", severity: "medium", status: "new", createdAt: minutesAgo(2), techniques: ["T1562.001"], hosts: ["globex-ws-5"] },
];
const TOTAL = ACME.length + GLOBEX.length;

// The federated insights as an analyst uses them, against a real hub and two real agents.
describe("Insights in Chromium: federated list, board write-back, Open in tenant", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  let acme: RunningAgent;
  let globex: RunningAgent;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];

  const hubId = (agent: RunningAgent, localId: string) => `${agent.tenantId}~${localId}`;
  const rows = () => page.getByTestId("insight-row");
  const rowAttrs = (name: string) => rows().evaluateAll((list, attr) => list.map((row) => row.getAttribute(attr)), name);
  const column = (status: string): Locator => page.locator(`[data-testid="board-column"][data-status="${status}"]`);
  const card = (id: string): Locator => page.locator(`[data-testid="board-card"][data-id="${id}"]`);
  const columnCount = async (status: string) => Number(await column(status).getByTestId("column-count").getAttribute("data-count"));
  const agentStatus = async (agent: RunningAgent, localId: string) => (await agentInsights(agent.dataDir)).find((i) => i.id === localId);
  const tenantStatus = async (agent: RunningAgent) => (await api<{ status: string }>("GET", `/tenants/${agent.tenantId}`)).status;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `canopy-${name}.png`), fullPage: true });
  const markDocument = () => page.evaluate(() => ((globalThis as { __sameDocument?: boolean }).__sameDocument = true));
  const sameDocument = () => page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument === true);

  /** Records every (column, write state) a card goes through, so a short-lived "pending" is not missed. */
  const watchCard = (id: string) =>
    page.evaluate((cardId) => {
      const seen: string[] = [];
      (globalThis as { __cardStates?: string[] }).__cardStates = seen;
      const record = () => {
        const el = document.querySelector(`[data-testid="board-card"][data-id="${cardId}"]`);
        const state = el ? `${el.getAttribute("data-column")}:${el.getAttribute("data-write-state")}` : "none";
        if (seen.at(-1) !== state) seen.push(state);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-column", "data-write-state"] });
    }, id);
  const cardStates = () => page.evaluate(() => (globalThis as { __cardStates?: string[] }).__cardStates ?? []);

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, ["Acme Corp", "Globex Retail"], agents);
    [acme, globex] = agents as [RunningAgent, RunningAgent];
    // Imported while the agents run: they deliver to the hub through their outbox.
    await importSiemInsights(acme, ACME);
    await importSiemInsights(globex, GLOBEX);
    await waitForHubInsights(api, TOTAL);
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors }));
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents });
  });

  it("lists every tenant's insights in one table with their tenant names", async () => {
    await signInAsAdmin(page, hub.url);
    await page.getByTestId("nav-insights").click();
    await page.waitForURL(/\/insights$/);

    await expect.poll(() => rows().count()).toBe(TOTAL);
    expect(await page.getByTestId("insight-total").getAttribute("data-total")).toBe(String(TOTAL));
    expect(new Set(await rowAttrs("data-tenant-name"))).toEqual(new Set(["Acme Corp", "Globex Retail"]));
    // Newest first: Globex's 3-minute-old insight heads the list.
    expect(await page.getByTestId("insight-title").first().textContent()).toBe(GLOBEX[0]!.title);
    const mimikatz = page.locator(`[data-testid="insight-row"][data-id="${hubId(acme, "acme-005")}"]`);
    expect(await mimikatz.getByTestId("insight-tenant").textContent()).toBe("Acme Corp");
    expect(await mimikatz.getByTestId("insight-severity").textContent()).toBe("Critical");
    expect(await mimikatz.getByTestId("insight-techniques").textContent()).toBe("T1003.001, T1558.003");
    await shot("insights-list");
  });

  it("filters by severity and tenant; the filters live in the address and survive a reload", async () => {
    await page.getByTestId("filter-severity-critical").click();
    await page.waitForURL(/severity=critical/);
    await expect.poll(() => rows().count()).toBe(3);
    expect(new Set(await rowAttrs("data-severity"))).toEqual(new Set(["critical"]));

    await page.getByTestId("filter-tenants").click();
    await page.locator('[data-testid="tenant-filter-option"][data-tenant-name="Acme Corp"] input').check();
    await page.keyboard.press("Escape");
    await page.waitForURL(new RegExp(`tenant=${acme.tenantId}`));
    await expect.poll(() => rows().count()).toBe(2);
    expect(await rowAttrs("data-tenant-name")).toEqual(["Acme Corp", "Acme Corp"]);
    expect(await rowAttrs("data-id")).toEqual([hubId(acme, "acme-001"), hubId(acme, "acme-005")]);
    expect(await page.getByTestId("insight-total").getAttribute("data-total")).toBe("2");

    await page.reload();
    await expect.poll(() => rows().count()).toBe(2);
    expect(await page.getByTestId("filter-severity-critical").getAttribute("aria-pressed")).toBe("true");
    // The tenant's name once the tenant directory has loaded (it says "1 tenant" until then).
    await expect.poll(() => page.getByTestId("filter-tenants").textContent()).toContain("Acme Corp");

    // Free text narrows further: a word from a title.
    await page.getByTestId("insight-search").fill("mimikatz");
    await page.waitForURL(/q=mimikatz/);
    await expect.poll(() => rowAttrs("data-id")).toEqual([hubId(acme, "acme-005")]);

    await page.getByTestId("clear-filters").click();
    await expect.poll(() => rows().count()).toBe(TOTAL);
    expect(page.url()).not.toMatch(/severity=|tenant=|q=/);
    await markDocument();
  });

  it("refreshes by itself when a tenant delivers new insights", async () => {
    await importSiemInsights(globex, GLOBEX_LATER);
    await expect.poll(() => page.getByTestId("insight-total").getAttribute("data-total"), { timeout: ACK_TIMEOUT }).toBe(String(TOTAL + 2));
    expect(await page.getByTestId("insight-title").first().textContent()).toBe(GLOBEX_LATER[0]!.title);
    expect(await sameDocument()).toBe(true);
  });

  it("drags a card from New to In progress: pending, then acknowledged by the agent, which really has it", async () => {
    await page.getByTestId("tab-board").click();
    await page.waitForURL(/\/insights\/board/);
    const id = hubId(acme, "acme-002");
    await column("new").locator(`[data-testid="board-card"][data-id="${id}"]`).waitFor();
    expect(await columnCount("new")).toBe(TOTAL + 2);
    expect(await columnCount("in_progress")).toBe(0);

    await watchCard(id);
    await card(id).dragTo(column("in_progress"));
    await column("in_progress").locator(`[data-testid="board-card"][data-id="${id}"][data-write-state="acknowledged"]`).waitFor({ timeout: ACK_TIMEOUT });
    expect(await card(id).getAttribute("data-status")).toBe("in_progress");

    // It showed pending in its new column before the agent's acknowledgement arrived.
    const states = await cardStates();
    expect(states[0]).toBe("new:acknowledged");
    expect(states).toContain("in_progress:pending");
    expect(states.indexOf("in_progress:pending")).toBeLessThan(states.lastIndexOf("in_progress:acknowledged"));
    expect(states.at(-1)).toBe("in_progress:acknowledged");
    await expect.poll(() => columnCount("in_progress")).toBe(1);
    expect(await columnCount("new")).toBe(TOTAL + 1);

    expect((await agentStatus(acme, "acme-002"))?.status).toBe("in_progress");
    await shot("insights-board");
  });

  it("says a move for an offline tenant waits for it, and the agent applies it when it reconnects", async () => {
    await globex.child.stop();
    await expect.poll(() => tenantStatus(globex)).toBe("offline");

    const id = hubId(globex, "globex-002");
    await card(id).dragTo(column("in_progress"));
    const queued = column("in_progress").locator(`[data-testid="board-card"][data-id="${id}"][data-write-state="queued"]`);
    await queued.waitFor();
    expect(await queued.getByTestId("card-queued-note").textContent()).toContain("Globex Retail is offline");
    expect(await queued.getAttribute("data-status")).toBe("new");
    await shot("insights-board-queued");

    globex = { ...globex, child: spawnNode(agentBin, ["run", "--data-dir", globex.dataDir]) };
    await column("in_progress").locator(`[data-testid="board-card"][data-id="${id}"][data-write-state="acknowledged"]`).waitFor({ timeout: ACK_TIMEOUT });
    expect(await card(id).getAttribute("data-status")).toBe("in_progress");
    expect((await agentStatus(globex, "globex-002"))?.status).toBe("in_progress");
  });

  it("moves a card with its menu, without a mouse drag", async () => {
    const id = hubId(acme, "acme-004");
    await card(id).getByTestId("move-card").focus();
    await page.keyboard.press("Enter");
    // The menu takes the focus on its first entry; the arrow keys walk it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("move-to-in_progress");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await column("closed").locator(`[data-testid="board-card"][data-id="${id}"][data-write-state="acknowledged"]`).waitFor({ timeout: ACK_TIMEOUT });
    expect((await agentStatus(acme, "acme-004"))?.status).toBe("closed");
    await expect.poll(() => columnCount("closed")).toBe(1);
  });

  it("opens a card's detail and adds a comment that the tenant's agent keeps", async () => {
    const id = hubId(acme, "acme-002");
    await card(id).getByTestId("card-title").click();
    const drawer = page.getByTestId("insight-drawer");
    await drawer.getByTestId("insight-detail").waitFor();
    expect(await drawer.getByTestId("detail-title").textContent()).toBe(ACME[1]!.title);
    expect(await drawer.getByTestId("detail-tenant").textContent()).toBe("Acme Corp");
    expect(await drawer.getByTestId("detail-description").textContent()).toContain("powershell.exe -enc");
    expect(await drawer.getByTestId("insight-technique").allTextContents()).toEqual(["T1059.001"]);
    expect(await drawer.locator('[data-testid="insight-field"][data-key="parentProcess"] td').textContent()).toBe("winword.exe");
    expect(new URL(page.url()).searchParams.get("open")).toBe(id);

    await drawer.getByTestId("comment-input").fill("Isolated the host; the Word macro came from a phishing mail.");
    await drawer.getByTestId("comment-add").click();
    await expect.poll(() => drawer.getByTestId("insight-comment").allTextContents(), { timeout: ACK_TIMEOUT }).toEqual([
      expect.stringContaining("Isolated the host; the Word macro came from a phishing mail."),
    ]);
    expect(await drawer.getByTestId("insight-comment").textContent()).toContain(ADMIN_EMAIL);
    await shot("insights-drawer");
    expect((await agentStatus(acme, "acme-002"))?.comments.map((c) => c.body)).toEqual(["Isolated the host; the Word macro came from a phishing mail."]);
  });

  it("opens the insight in its tenant: the Connect view shows it fetched live from the agent", async () => {
    await page.getByTestId("insight-drawer").getByTestId("open-in-tenant").click();
    await page.waitForURL(new RegExp(`/nodes/${acme.tenantId}\\?insight=acme-002$`));
    const panel = page.locator('[data-testid="tenant-insight"][data-state="fetched"]');
    await panel.waitFor();
    expect(await panel.getByTestId("tenant-insight-title").textContent()).toBe(ACME[1]!.title);
    expect(await panel.getByTestId("insight-status").getAttribute("data-status")).toBe("in_progress");
    expect(await panel.getByTestId("tenant-insight-fetched").textContent()).toMatch(/Fetched (just now|\d+s ago)/);
    expect(await panel.getByTestId("insight-comment").textContent()).toContain("Isolated the host");
    expect(await panel.getByTestId("tenant-insight-hosts").textContent()).toBe("acme-ws-12");
    await shot("insights-tenant");

    // The tenant goes offline: the panel says so instead of showing a stale answer as live.
    await acme.child.stop();
    await expect.poll(() => tenantStatus(acme)).toBe("offline");
    await page.getByTestId("tenant-insight-refresh").click();
    const error = page.locator('[data-testid="tenant-insight-error"][data-kind="offline"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("Acme Corp is offline");
    acme = { ...acme, child: spawnNode(agentBin, ["run", "--data-dir", acme.dataDir]) };
    // Back online, the panel fetches again by itself.
    await page.locator('[data-testid="tenant-insight"][data-state="fetched"]').waitFor({ timeout: ACK_TIMEOUT });
  });

  it("assigns every insight of a tenant at once with the bulk actions", async () => {
    await page.goto(`${hub.url}/insights?tenant=${globex.tenantId}`);
    const globexCount = GLOBEX.length + GLOBEX_LATER.length;
    await expect.poll(() => rows().count()).toBe(globexCount);
    await page.getByTestId("select-page").check();
    expect(await page.getByTestId("selected-count").textContent()).toBe(`${globexCount} selected`);
    await page.getByTestId("bulk-assignee").fill(ANALYST);
    await page.getByTestId("bulk-assign").click();
    await expect
      .poll(async () => (await page.getByTestId("insight-assignee").allTextContents()).every((text) => text === ANALYST) && (await rowAttrs("data-write-state")).every((s) => s === "acknowledged"), {
        timeout: ACK_TIMEOUT,
      })
      .toBe(true);
    const held = await agentInsights(globex.dataDir);
    expect(held.map((i) => i.assignee)).toEqual(Array(globexCount).fill(ANALYST));
    expect(pageErrors).toEqual([]);
  });
});
