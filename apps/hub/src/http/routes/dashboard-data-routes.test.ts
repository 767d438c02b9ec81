import { DashboardDataSchema, WidgetResultSchema, type Widget } from "@canopy/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../../test/fake-agent.js";
import { createTestHub, login, manualClock, type Caller, type TestHub } from "../../../test/helpers.js";

const widget = (fields: Partial<Widget> & Pick<Widget, "id" | "type">): Widget => ({
  title: fields.type,
  range: "24h",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 6, h: 3 },
  ...fields,
});

describe("dashboard figures", () => {
  let t: TestHub;
  let admin: Caller;
  let acme: string;
  let globex: string;
  let dashboardId: string;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(async () => {
    clock = manualClock();
    t = await createTestHub({ clock });
    admin = await login(t.hub);
    acme = (await admin.post("/tenants", { name: "Acme" })).body.id;
    globex = (await admin.post("/tenants", { name: "Globex" })).body.id;
    // Acme's agent is connected; Globex has none.
    const identity = await pairThroughApi(t.hub, admin, acme);
    await new FakeAgent(await t.hub.services()).hello(identity.agentId, identity.privateKey);
    // A push to Globex stays pending: nobody is there to apply it.
    const item = (await admin.post("/content/custom-fields", { name: "Severity", type: "select", appliesTo: "incident", options: ["low", "high"] })).body;
    expect((await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: [globex] } })).status).toBe(202);
    const widgets = [
      widget({ id: "health", type: "node-health" }),
      widget({ id: "pushes", type: "push-outcomes" }),
      widget({ id: "acme-pushes", type: "push-outcomes", tenants: { ids: [acme] } }),
      widget({ id: "status", type: "status-counts" }),
      widget({ id: "tenants", type: "tenant-table" }),
    ];
    dashboardId = (await admin.post("/dashboards", { name: "Ops", widgets })).body.id;
    // Windows are [now - range, now): what happened in this very millisecond is not in yet.
    clock.advance(1000);
  });
  afterEach(() => t.hub.close());

  it("GET /dashboards/{id}/data: every widget's figures in widget order, from the hub's own state", async () => {
    const res = await admin.get(`/dashboards/${dashboardId}/data`);
    expect(res.status).toBe(200);
    const data = DashboardDataSchema.parse(res.body);
    expect(data.widgets.map((w) => w.widgetId)).toEqual(["health", "pushes", "acme-pushes", "status", "tenants"]);
    const [health, pushes, acmePushes, status, tenants] = data.widgets;
    expect(health).toMatchObject({ from: null, to: "2030-01-15T12:00:01.000Z", computedAt: "2030-01-15T12:00:01.000Z" });
    expect(health!.data).toMatchObject({
      kind: "table",
      rows: [
        { tenantId: globex, tenant: "Globex", status: "unpaired", agentVersion: null },
        { tenantId: acme, tenant: "Acme", status: "online", agentVersion: "1.2.3", hostname: "fake-host", lastSeenAt: "2030-01-15T12:00:00.000Z" },
      ],
    });
    expect(pushes).toMatchObject({ from: "2030-01-14T12:00:01.000Z", data: { kind: "counts", rows: expect.arrayContaining([{ key: "pending", label: "Pending", value: 1 }]) } });
    expect(acmePushes!.data).toMatchObject({ kind: "counts" });
    expect((acmePushes!.data as { rows: { value: number }[] }).rows.every((row) => row.value === 0)).toBe(true);
    expect(status!.data).toEqual({
      kind: "counts",
      rows: [
        { key: "new", label: "New", value: 0 },
        { key: "in_progress", label: "In progress", value: 0 },
        { key: "closed", label: "Closed", value: 0 },
      ],
    });
    expect((tenants!.data as unknown as { rows: { tenant: string; status: string }[] }).rows.map((r) => [r.tenant, r.status])).toEqual([
      ["Acme", "online"],
      ["Globex", "unpaired"],
    ]);
  });

  it("the window ends at the hub's now and moves with it: a day later the push is out of the 24h window", async () => {
    const pending = (result: { data: { rows: { key: string; value: number }[] } }) => result.data.rows.find((r) => r.key === "pending")!.value;
    const now = (await admin.get(`/dashboards/${dashboardId}/widgets/pushes/data`)).body;
    expect(now).toMatchObject({ widgetId: "pushes", from: "2030-01-14T12:00:01.000Z", to: "2030-01-15T12:00:01.000Z" });
    expect(pending(now)).toBe(1);
    clock.advance(24 * 60 * 60 * 1000);
    const later = (await admin.get(`/dashboards/${dashboardId}/widgets/pushes/data`)).body;
    expect(later).toMatchObject({ from: "2030-01-15T12:00:01.000Z", to: "2030-01-16T12:00:01.000Z" });
    expect(pending(later)).toBe(0);
  });

  it("GET one widget's data; an unknown widget is 404", async () => {
    const res = await admin.get(`/dashboards/${dashboardId}/widgets/health/data`);
    expect(res.status).toBe(200);
    expect(WidgetResultSchema.parse(res.body).widgetId).toBe("health");
    expect((await admin.get(`/dashboards/${dashboardId}/widgets/nope/data`)).status).toBe(404);
    expect((await admin.get(`/dashboards/${dashboardId}/widgets/bad%20id/data`)).status).toBe(422);
  });

  it("POST /dashboards/preview: figures for an unsaved widget; invalid configs are 422 with paths", async () => {
    const res = await admin.post("/dashboards/preview", { widget: widget({ id: "draft", type: "node-health", tenants: { ids: [acme] } }) });
    expect(res.status).toBe(200);
    expect(WidgetResultSchema.parse(res.body)).toMatchObject({ widgetId: "draft", data: { kind: "table", rows: [{ tenant: "Acme" }] } });

    const unknown = await admin.post("/dashboards/preview", { widget: widget({ id: "draft", type: "node-health", tenants: { ids: ["tnt_nope"] } }) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ path: "widget.tenants.ids.0", message: "no tenant tnt_nope" }]);
    const invalid = await admin.post("/dashboards/preview", { widget: { ...widget({ id: "draft", type: "node-health" }), range: "forever" } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).toEqual(["widget.range"]);
    expect((await admin.post("/dashboards/preview", {})).status).toBe(422);
    // A preview saves nothing.
    expect((await admin.get("/dashboards")).body.items.map((d: { name: string }) => d.name)).toEqual(["Ops"]);
  });
});
