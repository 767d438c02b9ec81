import type { DashboardLayout, Widget, WidgetLifecycle, WidgetRange, WidgetType } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RecordingPushes, widget } from "../../test/dashboard-fixtures.js";
import { BASE_TIME, entryInputOf, makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { openRepository, type RepositoryHarness, type RepositoryKind } from "../../test/insight-repositories.js";
import { hubInsightId, makeEntry, type InsightEntry } from "../insights/insight-entry.js";
import type { InsightRepository } from "../insights/insight-repository.js";
import { ArrayInsightSource } from "./array-insight-source.js";
import { computeWidgets } from "./compute-widget.js";
import { DashboardFigures } from "./dashboard-figures.js";
import type { TenantHealth } from "./dashboard-sources.js";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The insights spread over 30 days from BASE_TIME: a third of them are stamped after now (agents whose clocks run ahead). */
const NOW = BASE_TIME + 20 * DAY;

const health = (id: string, name: string): TenantHealth => ({ id, name, status: "online", lastSeenAt: null, rttMs: null, agentVersion: null, hostname: null });
/** The hub's tenants: one without insights; `tnt_gone`'s insights belong to none of them. */
const DIRECTORY = [health("tnt_Alpha", "Alpha"), health("tnt_Bravo", "Bravo"), health("tnt_charlie", "Charlie"), health("tnt_quiet", "Quiet")];

/**
 * ~400 insights over four tenants, with every case a figure could count differently: rules whose
 * insights disagree on the name (the generated ones), agree, name it only sometimes or never;
 * insights without a rule; a technique named twice by one insight, and in another case; times at
 * a window's start and just before it, and after now.
 */
function dataset(): Map<string, Insight[]> {
  const random = seededRandom(23);
  const tenants = ["tnt_Alpha", "tnt_Bravo", "tnt_charlie", "tnt_gone"];
  const byTenant = new Map<string, Insight[]>(tenants.map((t) => [t, []]));
  for (let n = 0; n < 360; n++) {
    const kind = n % 9;
    const overrides: Partial<Insight> =
      kind === 1 ? { ruleId: "rule-steady", ruleName: "Steady name" }
      : kind === 2 ? { ruleId: "rule-sometimes", ruleName: n % 2 === 0 ? null : "Sometimes named" }
      : kind === 3 ? { ruleId: "rule-nameless", ruleName: null }
      : kind === 4 ? { ruleId: null, ruleName: null }
      : kind === 5 ? { techniques: ["T1059", "t1059", "T1059"] }
      : {};
    byTenant.get(tenants[n % 4]!)!.push(makeInsight(random, n, overrides));
  }
  const edge = (n: number, at: number) => makeInsight(random, 1000 + n, { createdAt: new Date(at), updatedAt: new Date(at), closedAt: null, status: "new" });
  byTenant.get("tnt_Bravo")!.push(edge(1, NOW - HOUR), edge(2, NOW - HOUR - 1), edge(3, NOW - 7 * DAY), edge(4, NOW), edge(5, NOW + 5 * 60_000));
  return byTenant;
}

const TYPES: WidgetType[] = ["status-counts", "severity-counts", "tenant-table", "top-rules", "top-techniques", "insights-over-time"];
const RANGES: WidgetRange[] = ["1h", "24h", "7d", "30d", "all"];
const LIFECYCLES: WidgetLifecycle[] = ["created", "updated", "closed"];
const TENANT_CHOICES: Widget["tenants"][] = [{ all: true }, { ids: ["tnt_charlie", "tnt_quiet", "tnt_Alpha"] }];

/** Every insight widget type in every range, lifecycle and tenant choice: 180 widgets. */
const WIDGETS: Widget[] = TYPES.flatMap((type) =>
  RANGES.flatMap((range) =>
    LIFECYCLES.flatMap((lifecycle) =>
      TENANT_CHOICES.map((tenants, t) => widget({ id: `${type}.${range}.${lifecycle}.${t}`, type, range, lifecycle, tenants })),
    ),
  ),
);
const DASHBOARD: DashboardLayout = { id: "dsh_contract", name: "Every figure", widgets: WIDGETS };

async function ingest(repository: InsightRepository, tenantId: string, insights: Insight[]): Promise<void> {
  const stored = await repository.store(tenantId, insights);
  await repository.durable();
  await repository.show(tenantId, stored.kept);
}

function contract(kind: RepositoryKind) {
  describe(`dashboard figures over the insight repository (${kind})`, () => {
    let h: RepositoryHarness;
    const held = new Map<string, InsightEntry>();
    const hold = (tenantId: string, insights: Insight[]) => {
      for (const insight of insights) held.set(hubInsightId(tenantId, insight.id), makeEntry(entryInputOf(tenantId, insight), -1));
    };

    beforeAll(async () => {
      h = await openRepository(kind);
      await h.repository.open([...dataset().keys(), "tnt_dropped"]);
      for (const [tenantId, insights] of dataset()) {
        await ingest(h.repository, tenantId, insights);
        hold(tenantId, insights);
      }
      // Triage after the fact (new revisions move status, severity and closing time), and a tenant
      // gone with its insights: the figures follow both.
      const changed = dataset()
        .get("tnt_charlie")!
        .slice(0, 30)
        .map((insight, n) => ({ ...insight, revision: insight.revision + 1, status: "closed" as const, severity: n % 2 ? ("low" as const) : ("critical" as const), closedAt: new Date(NOW - n * HOUR), updatedAt: new Date(NOW - n * HOUR) }));
      await ingest(h.repository, "tnt_charlie", changed);
      hold("tnt_charlie", changed);
      await ingest(h.repository, "tnt_dropped", [makeInsight(seededRandom(5), 1, { createdAt: new Date(NOW - HOUR) })]);
      await h.repository.dropTenant("tnt_dropped");
    }, 60_000);
    afterAll(() => h?.close());

    it("shows every widget's figures exactly as counting the insights one by one does", async () => {
      const inRange = vi.spyOn(h.repository, "inRange");
      const tenants = { all: async () => DIRECTORY, existing: async (ids: readonly string[]) => new Set(ids) };
      const figures = new DashboardFigures(() => ({ insights: h.repository, tenants, pushes: new RecordingPushes() }), () => NOW);
      const shown = (await figures.all(DASHBOARD)).widgets;

      const expected = await computeWidgets(WIDGETS, { insights: new ArrayInsightSource([...held.values()]), tenants: { all: () => DIRECTORY }, pushes: new RecordingPushes() }, NOW);
      expect(shown.map((w) => w.widgetId)).toEqual(WIDGETS.map((w) => w.id));
      for (const [i, result] of shown.entries()) expect(result, result.widgetId).toEqual(expected[i]);
      // Nothing here passes by counting nothing: every insight is in "All time", and the rules of each naming case lead.
      const dataOf = (id: string) => expected[WIDGETS.findIndex((w) => w.id === id)]!.data as { rows: { key: string; label: string; value: number }[] };
      expect(dataOf("status-counts.all.created.0").rows.reduce((sum, row) => sum + row.value, 0)).toBe(held.size);
      expect(dataOf("top-rules.all.created.0").rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: "rule-steady", label: "Steady name" }),
          expect.objectContaining({ key: "rule-nameless", label: "rule-nameless" }),
          expect.objectContaining({ key: "rule-sometimes" }),
        ]),
      );
      // PostgreSQL counts in the database: no widget reads the insights' rows. Embedded: each scope is read once.
      expect(inRange).toHaveBeenCalledTimes(kind === "postgres" ? 0 : RANGES.length * LIFECYCLES.length * TENANT_CHOICES.length);
    });

    it("a widget alone, and a preview, show what it shows on its dashboard", async () => {
      const tenants = { all: async () => DIRECTORY, existing: async (ids: readonly string[]) => new Set(ids) };
      const figures = new DashboardFigures(() => ({ insights: h.repository, tenants, pushes: new RecordingPushes() }), () => NOW);
      const all = (await figures.all(DASHBOARD)).widgets;
      for (const id of ["top-rules.all.created.0", "insights-over-time.all.closed.1", "tenant-table.7d.updated.0"]) {
        const index = WIDGETS.findIndex((w) => w.id === id);
        expect(await figures.widget(DASHBOARD, id)).toEqual(all[index]);
        expect(await figures.preview(WIDGETS[index]!)).toEqual(all[index]);
      }
    });
  });
}

contract("embedded");
contract("postgres");
