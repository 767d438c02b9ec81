import { DashboardListSchema, DashboardSchema, WIDGET_TYPES, type Widget } from "@canopy/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Caller, createTestHub, login, loginAs, manualClock, type TestHub } from "../../../test/helpers.js";

const widget = (fields: Partial<Widget> = {}): Widget => ({
  id: "w1",
  type: "status-counts",
  title: "Open work",
  range: "24h",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 6, h: 3 },
  ...fields,
});

const put = (caller: Caller, path: string, body: unknown) => caller.request("PUT", path, body);

describe("dashboard routes", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub({ clock: manualClock() });
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  it("the first GET makes the default MSSP overview with every widget type, once", async () => {
    const first = await admin.get("/dashboards");
    expect(first.status).toBe(200);
    const list = DashboardListSchema.strict().parse(first.body);
    expect(list.items).toHaveLength(1);
    const [overview] = list.items;
    expect(overview!.name).toBe("MSSP overview");
    expect(overview!.widgets.map((w) => w.type).sort()).toEqual([...WIDGET_TYPES].sort());
    expect(overview!.createdAt).toBe("2030-01-15T12:00:00.000Z");

    const again = await admin.get("/dashboards");
    expect(again.body.items.map((d: { id: string }) => d.id)).toEqual([overview!.id]);
    const audit = (await admin.get("/audit?action=dashboard.create")).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "admin@test.local", target: `dashboard:${overview!.id}`, detail: { name: "MSSP overview", widgets: 8, default: true } });
  });

  it("create, read, save the layout, delete; each change audited", async () => {
    const created = await admin.post("/dashboards", { name: "Night shift", widgets: [widget()] });
    expect(created.status).toBe(201);
    const dashboard = DashboardSchema.strict().parse(created.body);
    expect(dashboard).toMatchObject({ name: "Night shift", widgets: [widget()] });

    const withDefaults = await admin.post("/dashboards", { name: "  Everything  " });
    expect(withDefaults.status).toBe(201);
    expect(withDefaults.body.name).toBe("Everything");
    expect(withDefaults.body.widgets).toHaveLength(8);

    const moved = [widget({ layout: { x: 6, y: 2, w: 6, h: 4 }, title: "Open work (EU)", range: "7d", lifecycle: "updated", refreshSeconds: 300 }), widget({ id: "w2", type: "node-health", title: "Agents" })];
    const saved = await put(admin, `/dashboards/${dashboard.id}`, { name: "Night shift v2", widgets: moved });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ id: dashboard.id, name: "Night shift v2", widgets: moved, createdAt: dashboard.createdAt });
    expect((await admin.get(`/dashboards/${dashboard.id}`)).body.widgets).toEqual(moved);
    expect((await admin.get("/dashboards")).body.items.map((d: { name: string }) => d.name)).toEqual(["Night shift v2", "Everything"]);

    expect((await admin.delete(`/dashboards/${dashboard.id}`)).status).toBe(204);
    expect((await admin.get(`/dashboards/${dashboard.id}`)).status).toBe(404);
    expect((await admin.delete(`/dashboards/${dashboard.id}`)).status).toBe(404);

    const actions = (await admin.get("/audit")).body.items.filter((e: { action: string }) => e.action.startsWith("dashboard.")).map((e: { action: string; target: string }) => [e.action, e.target]);
    expect(actions).toEqual([
      ["dashboard.delete", `dashboard:${dashboard.id}`],
      ["dashboard.update", `dashboard:${dashboard.id}`],
      ["dashboard.create", `dashboard:${withDefaults.body.id}`],
      ["dashboard.create", `dashboard:${dashboard.id}`],
    ]);
  });

  it("each user sees and changes only their own dashboards", async () => {
    const mine = (await admin.post("/dashboards", { name: "Admin's", widgets: [widget()] })).body;
    const other = await loginAs(t.hub, "operator");
    const theirs = (await other.get("/dashboards")).body.items;
    expect(theirs).toHaveLength(1);
    expect(theirs[0].id).not.toBe(mine.id);

    for (const res of [
      await other.get(`/dashboards/${mine.id}`),
      await put(other, `/dashboards/${mine.id}`, { name: "taken", widgets: [] }),
      await other.delete(`/dashboards/${mine.id}`),
      await other.get(`/dashboards/${mine.id}/data`),
      await other.get(`/dashboards/${mine.id}/widgets/w1/data`),
      await other.get(`/dashboards/${mine.id}/export.xlsx`),
      await other.get(`/dashboards/${mine.id}/export.pdf`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    }
    expect((await admin.get(`/dashboards/${mine.id}`)).body.name).toBe("Admin's");
    expect((await admin.get("/dashboards")).body.items.map((d: { id: string }) => d.id)).toEqual([mine.id]);
  });

  it("viewers manage their own dashboards; anonymous callers and cross-site writes are refused", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const created = await viewer.post("/dashboards", { name: "Mine", widgets: [widget()] });
    expect(created.status).toBe(201);
    expect((await put(viewer, `/dashboards/${created.body.id}`, { name: "Still mine", widgets: [] })).status).toBe(200);
    expect((await viewer.get(`/dashboards/${created.body.id}/data`)).status).toBe(200);
    expect((await viewer.delete(`/dashboards/${created.body.id}`)).status).toBe(204);

    const anonymous = new Caller(t.hub);
    expect((await anonymous.get("/dashboards")).status).toBe(401);
    expect((await anonymous.post("/dashboards/preview", { widget: widget() })).status).toBe(401);
    expect((await viewer.post("/dashboards", { name: "x" }, { origin: "https://evil.example" })).status).toBe(403);
  });

  it("an API key has its own dashboards, never those of the admin who made it", async () => {
    const mine = (await admin.get("/dashboards")).body.items[0];
    const created = await admin.post("/api-keys", { name: "reports", role: "viewer" });
    const script = new Caller(t.hub, { bearer: created.body.key });

    // The key's first list makes its own default dashboard, not the admin's.
    const its = (await script.get("/dashboards")).body.items;
    expect(its).toHaveLength(1);
    expect(its[0].id).not.toBe(mine.id);
    for (const res of [
      await script.get(`/dashboards/${mine.id}`),
      await put(script, `/dashboards/${mine.id}`, { name: "defaced", widgets: [] }),
      await script.delete(`/dashboards/${mine.id}`),
      await script.get(`/dashboards/${mine.id}/data`),
      await script.get(`/dashboards/${mine.id}/widgets/${mine.widgets[0].id}/data`),
      await script.get(`/dashboards/${mine.id}/export.xlsx`),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await admin.get(`/dashboards/${mine.id}`)).body).toMatchObject({ name: mine.name, widgets: mine.widgets });

    const fromScript = await script.post("/dashboards", { name: "From a script", widgets: [] });
    expect(fromScript.status).toBe(201);
    expect((await admin.get(`/dashboards/${fromScript.body.id}`)).status).toBe(404);
    expect((await admin.get("/dashboards")).body.items.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expect((await admin.get("/audit?action=dashboard.create")).body.items[0].actor).toBe("api-key:reports");

    // Revoking the key drops what was its own.
    expect((await admin.delete(`/api-keys/${created.body.id}`)).status).toBe(204);
    expect(t.store.collection("dashboards").all().map((d) => d.id)).toEqual([mine.id]);
  });

  it("refuses invalid dashboards with 422 and field paths", async () => {
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body.id;
    const cases: [unknown, string[]][] = [
      [{ name: "" }, ["name"]],
      [{ name: "x".repeat(101) }, ["name"]],
      [{ name: "ok", widgets: [widget({ type: "pie-of-everything" as never })] }, ["widgets.0.type"]],
      [{ name: "ok", widgets: [widget({ range: "2d" as never })] }, ["widgets.0.range"]],
      [{ name: "ok", widgets: [widget({ lifecycle: "deleted" as never })] }, ["widgets.0.lifecycle"]],
      [{ name: "ok", widgets: [widget({ refreshSeconds: 7 })] }, ["widgets.0.refreshSeconds"]],
      [{ name: "ok", widgets: [widget({ layout: { x: 12, y: 0, w: 1, h: 1 } })] }, ["widgets.0.layout.x"]],
      [{ name: "ok", widgets: [widget({ title: " " })] }, ["widgets.0.title"]],
      [{ name: "ok", widgets: [widget({ id: "has space" })] }, ["widgets.0.id"]],
      [{ name: "ok", widgets: [widget(), widget()] }, ["widgets"]],
      [{ name: "ok", widgets: [widget({ tenants: { ids: [] } })] }, ["widgets.0.tenants.ids"]],
      [{ name: "ok", widgets: [widget({ tenants: { all: false } as never })] }, ["widgets.0.tenants"]],
      [{ name: "ok", widgets: [widget({ tenants: { ids: [tenant, "tnt_nope"] } })] }, ["widgets.0.tenants.ids.1"]],
      [{ name: "ok", widgets: Array.from({ length: 25 }, (_, i) => widget({ id: `w${i}` })) }, ["widgets"]],
      [{ name: "ok", owner: "someone-else" }, [""]],
    ];
    for (const [body, paths] of cases) {
      const res = await admin.post("/dashboards", body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(422);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe("invalid_request");
      for (const path of paths) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const id = (await admin.post("/dashboards", { name: "ok", widgets: [] })).body.id;
    const bad = await put(admin, `/dashboards/${id}`, { name: "ok" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain("widgets");
    // Chosen tenants that exist are fine.
    expect((await put(admin, `/dashboards/${id}`, { name: "ok", widgets: [widget({ tenants: { ids: [tenant] } })] })).status).toBe(200);
  });
});
