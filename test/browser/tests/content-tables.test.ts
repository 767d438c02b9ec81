import { join } from "node:path";
import { importFiles, sigmaFiles } from "@canopy/shared-data";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningAgent } from "../harness/agents.js";
import { signIn, type Api } from "../harness/api.js";
import { startHub, type TestHub } from "../harness/hub.js";
import { expectInViewport, expectNoPageOverflow, expectReachable } from "../harness/layout.js";
import { openPage, signInAsAdmin, startOnlineAgents, stopScenario } from "../harness/scenario.js";

const SCREENSHOTS = process.env.CANOPY_SCREENSHOT_DIR ?? "/tmp";
const UI_TIMEOUT = 15_000;
const LAPTOP = { width: 1280, height: 800 };
const NARROW = { width: 800, height: 900 };
/** More real Sigma rules than the rule picker used to show (40). */
const RULE_FILES = 61;
const FIELD = "Escalation Tier";
const TUNING = "Exclude backup service accounts";

interface Item {
  id: string;
  name: string;
  body: { tags?: string[] };
}

// The content lists, the tuning expression's rule picker, and stopping a push, against a real hub and agents.
describe("Content tables, the rule picker and stopping a push, in Chromium", () => {
  let hub: TestHub;
  let api: Api;
  let browser: Browser;
  let page: Page;
  const agents: RunningAgent[] = [];
  const pageErrors: string[] = [];
  let rules: Item[] = [];
  let pushId = "";

  const allRules = async () => {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const answer: { items: Item[]; nextCursor: string | null } = await api("GET", `/content/siem-rules?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      items.push(...answer.items);
      cursor = answer.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    hub = await startHub();
    api = await signIn(hub.url);
    await startOnlineAgents(api, hub.url, ["Acme Corp", "Globex Retail"], agents);
    await api("POST", "/content/import", { files: [...sigmaFiles(RULE_FILES), ...importFiles("cacao/examples", ".json").slice(0, 2)] });
    rules = (await allRules()).sort((a, b) => a.name.localeCompare(b.name));
    await api("POST", "/content/custom-fields", { name: FIELD, type: "select", appliesTo: "incident", options: ["tier-1", "tier-2"] });
    await api("POST", "/content/tuning-expressions", { name: TUNING, expression: "user != 'svc-backup'", rules: [rules[0]!.name] });
    ({ browser, page } = await openPage({ timeout: UI_TIMEOUT, pageErrors, context: { viewport: LAPTOP } }));
    await signInAsAdmin(page, hub.url);
  });

  afterAll(async () => {
    await stopScenario({ browser, hub, agents });
  });

  it("lets the rule picker reach every rule, and says how many it shows of how many", async () => {
    // The picker used to list the first 40 rules of the hub's first page and nothing more.
    expect(rules.length).toBeGreaterThan(40);
    await page.goto(`${hub.url}/content/tuning-expressions`);
    await page.getByTestId("new-tuning").click();
    const dialog = page.getByTestId("tuning-dialog");
    const picker = dialog.getByTestId("rule-picker");
    const count = picker.getByTestId("rule-picker-count");
    await expect.poll(() => count.textContent()).toContain(`All ${rules.length} rules`);
    expect(await picker.getByTestId("rule-option").count()).toBe(rules.length);

    // A search narrows the list, and the count says what is left of the whole.
    // The tag most rules share short of all of them, e.g. attack.defense-evasion.
    const tagged = (tag: string) => rules.filter((rule) => [rule.name, ...(rule.body.tags ?? [])].join(" ").toLowerCase().includes(tag));
    const tags = [...new Set(rules.flatMap((rule) => rule.body.tags ?? []))].map((tag) => tag.toLowerCase());
    const term = tags.filter((tag) => tagged(tag).length < rules.length).sort((a, b) => tagged(b).length - tagged(a).length)[0]!;
    const matching = tagged(term);
    expect(matching.length).toBeGreaterThan(1);
    await picker.getByTestId("rule-picker-search").fill(term);
    await expect.poll(() => count.textContent()).toContain(`Showing ${matching.length} of ${rules.length} rules`);
    expect((await picker.getByTestId("rule-option").evaluateAll((options) => options.map((option) => option.getAttribute("data-name")))).sort()).toEqual(
      matching.map((rule) => rule.name).sort(),
    );

    // The last rule by title, well past the first 40, can be chosen and saved.
    const last = rules.at(-1)!;
    await picker.getByTestId("rule-picker-search").fill("");
    await expect.poll(() => count.textContent()).toContain(`All ${rules.length} rules`);
    const option = picker.locator(`[data-testid="rule-option"][data-name="${last.name}"]`);
    await option.scrollIntoViewIfNeeded();
    await option.getByRole("checkbox").check();
    await dialog.getByTestId("tuning-name").fill("Tune the last rule");
    await dialog.getByTestId("tuning-expression").fill("host != 'lab-01'");
    await dialog.getByTestId("save-tuning").click();
    await dialog.waitFor({ state: "detached" });
    const saved = await api<{ items: { name: string; body: { rules: string[] } }[] }>("GET", "/content/tuning-expressions?q=last");
    expect(saved.items.find((item) => item.name === "Tune the last rule")?.body.rules).toEqual([last.name]);
  });

  const pages: { path: string; table: string; name: string; headers: string[]; action: { role: "button" | "link"; verb: string } }[] = [
    { path: "custom-fields", table: "custom-field-table", name: FIELD, headers: ["Field", "Type", "Applies to", "Options", "Rev.", "Synchronized", "Updated", "Actions"], action: { role: "button", verb: "Push field" } },
    { path: "siem-rules", table: "rule-table", name: "", headers: ["Rule", "Level", "Tags", "Log source", "Rev.", "Synchronized", "Updated", "Actions"], action: { role: "button", verb: "Push" } },
    { path: "tuning-expressions", table: "tuning-table", name: TUNING, headers: ["Name", "Expression", "Rules", "Rev.", "Synchronized", "Updated", "Actions"], action: { role: "button", verb: "Edit" } },
    { path: "playbooks", table: "playbook-table", name: "", headers: ["Playbook", "Steps", "Rev.", "Synchronized", "Updated", "Actions"], action: { role: "link", verb: "Export" } },
  ];

  it("shows the four content lists as one kind of table, on a laptop and at 800 px, with nothing cut off", async () => {
    for (const viewport of [LAPTOP, NARROW]) {
      await page.setViewportSize(viewport);
      for (const kind of pages) {
        const where = `${kind.path} at ${viewport.width} px`;
        await page.goto(`${hub.url}/content/${kind.path}`);
        const table = page.getByTestId(kind.table);
        await table.getByTestId("content-row").first().waitFor();
        expect(await page.locator(`[data-testid="content-tab-${kind.path}"][aria-current="page"]`).count(), where).toBe(1);
        const headers = (await table.getByRole("columnheader").allInnerTexts()).map((text) => text.trim()).filter(Boolean);
        expect(headers.map((text) => text.toLowerCase()), where).toEqual(kind.headers.map((text) => text.toLowerCase()));
        await expectNoPageOverflow(page, where);
        const row = kind.name ? table.locator(`[data-testid="content-row"][data-name="${kind.name}"]`) : table.getByTestId("content-row").first();
        const rowName = kind.name || ((await row.getAttribute("data-name")) ?? "");
        // Row buttons say which item they act on.
        const label = `${kind.action.verb} ${rowName}`;
        const button = row.getByRole(kind.action.role, { name: label, exact: true });
        expect(await button.count(), `${where}: "${label}"`).toBe(1);
        await expectReachable(page, button, `the ${kind.action.verb} button of ${where}`);
        await expectReachable(page, row.locator('[data-testid="sync-label"]'), `the Synchronized cell of ${where}`);
        if (viewport.width === NARROW.width && kind.path === "siem-rules") await page.screenshot({ path: join(SCREENSHOTS, "canopy-siem-rules-800.png") });
      }
    }
  });

  it("asks before stopping a push, and a stopped push shows how far it got, not 100 %", async () => {
    await page.setViewportSize(LAPTOP);
    // Globex's agent is stopped, so a push to both tenants delivers to Acme and waits for Globex.
    const [acme, globex] = agents;
    await globex!.child.stop();
    await vi.waitFor(
      async () => {
        const tenant = await api<{ status: string }>("GET", `/tenants/${globex!.tenantId}`);
        if (tenant.status !== "offline") throw new Error(`Globex is ${tenant.status}`);
      },
      { timeout: 20_000, interval: 200 },
    );
    const field = (await api<{ items: { id: string; name: string }[] }>("GET", `/content/custom-fields`)).items.find((item) => item.name === FIELD)!;
    pushId = (await api<{ id: string }>("POST", "/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme!.tenantId, globex!.tenantId] } })).id;
    await vi.waitFor(
      async () => {
        const push = await api<{ progress: { applied: number; pending: number } }>("GET", `/pushes/${pushId}`);
        if (push.progress.applied !== 1 || push.progress.pending !== 1) throw new Error(`progress ${JSON.stringify(push.progress)}`);
      },
      { timeout: 20_000, interval: 200 },
    );

    await page.goto(`${hub.url}/history/${pushId}`);
    const progress = page.getByTestId("push-progress");
    await expect.poll(() => progress.getByTestId("progress-percent").textContent()).toBe("50%");

    // Stop asks first, with what stopping does; Cancel leaves the push running.
    await page.getByTestId("stop-push").click();
    const confirm = page.getByRole("dialog", { name: `Stop “${FIELD}”?` });
    await confirm.waitFor();
    await expectInViewport(page, confirm, "the stop confirmation");
    expect(await confirm.textContent()).toContain("1 of 2 deliveries have not been applied yet");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect((await api<{ state: string }>("GET", `/pushes/${pushId}`)).state).toBe("running");
    expect(await progress.getAttribute("data-state")).toBe("running");

    await page.getByTestId("stop-push").click();
    await confirm.getByRole("button", { name: "Stop push" }).click();
    await confirm.waitFor({ state: "detached" });
    await page.locator('[data-testid="push-progress"][data-state="stopped"]').waitFor();
    expect((await api<{ state: string }>("GET", `/pushes/${pushId}`)).state).toBe("stopped");

    // Real progress: one delivery done of two, one stopped; the bar says so to screen readers too.
    expect(await progress.getByTestId("progress-percent").textContent()).toBe("50%");
    expect((await progress.getByTestId("progress-done").textContent())?.replace(/\s+/g, " ").trim()).toBe("1 of 2 done, 1 stopped before delivery");
    const bar = progress.getByRole("progressbar", { name: "Push progress" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("1");
    expect(await bar.getAttribute("aria-valuetext")).toBe("1 of 2 (50%)");
    await page.screenshot({ path: join(SCREENSHOTS, "canopy-push-stopped.png") });

    // The history list says the same.
    await page.goto(`${hub.url}/history`);
    const row = page.locator(`[data-testid="history-row"][data-push-id="${pushId}"]`);
    await row.waitFor();
    expect(await row.getByTestId("history-progress").textContent()).toBe("1/2");
    expect(await row.textContent()).toContain("1 stopped");
    expect(pageErrors).toEqual([]);
  });
});
