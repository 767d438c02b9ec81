// R5 attackers in the browser's world: a page of another site framing the hub (clickjacking),
// a page of another site writing with the admin's cookie (CSRF), and a viewer API key trying every
// write of the OpenAPI document and its creator's dashboards. Black box: HTTP to the hub process.
import { ADMIN_EMAIL, ADMIN_PASSWORD, customField, type Scenario, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Figures } from "../harness/figures.js";
import { hubHealthy } from "../harness/hub-health.js";
import { fetchOperations } from "../harness/http-fuzz/openapi.js";
import { requestFrom } from "../harness/source-address.js";
import { startScenario } from "../harness/hub-watch.js";

/** Writes a viewer may make (apps/hub/README.md): its own session, dashboards and saved searches, and pairing (public). */
const VIEWER_WRITES = new Set([
  "POST /auth/login",
  "POST /auth/logout",
  "POST /auth/accept",
  "POST /agent/pair",
  "POST /dashboards",
  "POST /dashboards/preview",
  "PUT /dashboards/{id}",
  "DELETE /dashboards/{id}",
  "POST /saved-searches",
  "PUT /saved-searches/{id}",
  "DELETE /saved-searches/{id}",
]);

interface Answer {
  label: string;
  status: number;
  headers: Headers;
}

describe("R5 attackers on the web side: clickjacking, CSRF, a viewer API key", () => {
  const figures = new Figures("R5 attackers: clickjacking, CSRF, API key scope");
  let scenario: Scenario;
  let agent: PairedAgent;
  let cookie: string;
  let origin: string;

  /** A request as the admin's browser would send it (cookie attached), with the headers given. */
  const asBrowser = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(new URL(path, scenario.hub.url), {
      method,
      headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await startScenario();
      agent = await scenario.addAgent("R5 Web Tenant", "process");
      origin = new URL(scenario.hub.url).origin;
      const login = await fetch(new URL("/api/v1/auth/login", origin), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      });
      cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0]!;
      await scenario.api.waitForStatus(agent.tenant.id, "online");
    });
  });
  afterAll(async () => {
    figures.print();
    await scenario?.close();
  });

  it("no page or answer of the hub can be framed, and JSON answers are neither sniffed nor cached", async () => {
    const get = async (label: string, path: string, init: RequestInit = {}): Promise<Answer> => {
      const res = await fetch(new URL(path, origin), { ...init, headers: { cookie, ...init.headers }, signal: AbortSignal.timeout(10_000) });
      // Headers are what this test reads; an event stream never ends by itself.
      await res.body?.cancel();
      return { label, status: res.status, headers: res.headers };
    };
    const pages = [await get("page /", "/"), await get("page /login", "/login"), await get("page /nodes (SPA)", "/nodes"), await get("page /content/siem-rules", "/content/siem-rules")];
    const json = [
      await get("GET /tenants", "/api/v1/tenants"),
      await get("GET /tenants/:id", `/api/v1/tenants/${agent.tenant.id}`),
      await get("POST /tenants/:id/ping", `/api/v1/tenants/${agent.tenant.id}/ping`, { method: "POST", headers: { origin } }),
      await get("401 anonymous", "/api/v1/tenants", { headers: { cookie: "" } }),
      await get("404 problem", "/api/v1/tenants/tnt_doesnotexist"),
      await get("422 problem", "/api/v1/tenants", { method: "POST", headers: { origin, "content-type": "application/json" }, body: "{}" }),
      await get("GET /openapi.json", "/api/v1/openapi.json"),
      await get("GET /healthz", "/healthz"),
    ];
    const stream = await get("GET /events (SSE)", "/api/v1/events");
    const all = [...pages, ...json, stream];
    figures.set("framing and sniffing", `${all.length} answers checked: ${pages.length} UI pages, ${json.length} JSON answers, an event stream`);
    const pageCsp = pages[0]!.headers.get("content-security-policy") ?? "";
    figures.set("a page's CSP", pageCsp.replace(/'sha256-[^']+'/g, "'sha256-…'"));
    expect(pages.map((p) => [p.label, p.status, p.headers.get("content-type")?.split(";")[0]])).toEqual(pages.map((p) => [p.label, 200, "text/html"]));
    for (const a of all) {
      expect(a.headers.get("x-frame-options"), `${a.label}: X-Frame-Options`).toBe("DENY");
      expect(a.headers.get("content-security-policy") ?? "", `${a.label}: CSP frame-ancestors`).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
      expect(a.headers.get("x-content-type-options"), `${a.label}: nosniff`).toBe("nosniff");
    }
    for (const a of [...json, stream]) expect(a.headers.get("cache-control"), `${a.label}: Cache-Control`).toContain("no-store");
    for (const p of pages) expect(p.headers.get("content-security-policy"), `${p.label}: no inline script allowed`).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it("a write with the admin's cookie from another site (foreign Origin, Origin: null, Sec-Fetch-Site: cross-site) is refused 403 and changes nothing", async () => {
    const attempts: [string, Record<string, string>][] = [
      ["foreign Origin", { origin: "https://evil.example" }],
      ["Origin: null", { origin: "null" }],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
      ["same-site subdomain", { "sec-fetch-site": "same-site" }],
      ["the hub's host over https", { origin: origin.replace("http:", "https:") }],
      ["the hub's host on another port", { origin: `http://127.0.0.1:${scenario.hub.port + 1}` }],
      ["same-origin claimed beside a foreign Origin", { origin: "https://evil.example", "sec-fetch-site": "same-origin" }],
    ];
    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/tenants", { name: "Planted by CSRF" }],
      ["PATCH", `/api/v1/tenants/${agent.tenant.id}`, { name: "Renamed by CSRF" }],
      ["POST", `/api/v1/tenants/${agent.tenant.id}/unpair`, {}],
      ["DELETE", `/api/v1/tenants/${agent.tenant.id}`, undefined],
      ["POST", "/api/v1/api-keys", { name: "csrf key", role: "admin" }],
    ];
    const outcomes: string[] = [];
    for (const [what, headers] of attempts) {
      for (const [method, path, body] of writes) {
        const res = await asBrowser(method, path, headers, body);
        const problem = (await res.json().catch(() => ({}))) as { code?: string };
        outcomes.push(`${what} ${method} ${path.replace(agent.tenant.id, ":id")}: ${res.status} ${problem.code}`);
      }
    }
    // The same requests from the hub's own pages go through: the check is the origin, not the cookie.
    const control = await asBrowser("POST", "/api/v1/tenants", { origin, "sec-fetch-site": "same-origin" }, { name: "Made by the hub's page" });
    figures.set("CSRF", `${outcomes.length} cross-site writes: ${outcomes.filter((o) => o.endsWith(": 403 forbidden")).length} answered 403 forbidden; the same from the hub's origin ${control.status}`);
    expect(outcomes.filter((o) => !o.endsWith(": 403 forbidden")), "cross-site writes not refused").toEqual([]);
    expect(control.status).toBe(201);
    const tenants = await scenario.api.listTenants();
    expect(tenants.map((t) => t.name).sort()).toEqual(["Made by the hub's page", "R5 Web Tenant"]);
    expect((await scenario.api.getTenant(agent.tenant.id)).status, "the tenant is still paired and online").toBe("online");
    const keys = await scenario.api.request<{ items: { name: string }[] } | { name: string }[]>("GET", "/api-keys");
    expect(JSON.stringify(keys)).not.toContain("csrf key");
  });

  it("a viewer API key is refused 403 on every write of the OpenAPI document, and never sees or touches its creator's dashboards or saved searches", async () => {
    const viewer = await scenario.api.request<{ id: string; key: string }>("POST", "/api-keys", { name: "r5 viewer", role: "viewer" });
    const operator = await scenario.api.request<{ id: string }>("POST", "/api-keys", { name: "r5 operator", role: "operator" });
    const field = await scenario.api.createContent("custom-fields", customField("R5 Field"));
    const push = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [agent.tenant.id] } });
    await scenario.api.waitForPush(push.id);
    const board = await scenario.api.request<{ id: string; name: string }>("POST", "/dashboards", { name: "Admin's own board" });
    const search = await scenario.api.request<{ id: string }>("POST", "/saved-searches", { name: "Admin's own search", query: "status=new" });
    // Real ids of real things for every path parameter: the viewer aims at what exists.
    const idFor = (path: string): string =>
      path.startsWith("/tenants/") ? agent.tenant.id
      : path.startsWith("/content/") ? field.id
      : path.startsWith("/pushes/") ? push.id
      : path.startsWith("/api-keys/") ? operator.id
      : path.startsWith("/dashboards/") ? board.id
      : path.startsWith("/saved-searches/") ? search.id
      : path.startsWith("/insights/") ? `${agent.tenant.id}~none`
      : "x";
    const concrete = (path: string) => `/api/v1${path.replace("{kind}", "custom-fields").replace("{id}", idFor(path))}`;
    const operations = await fetchOperations(scenario.hub.url);
    const writes = operations.filter((o) => ["POST", "PUT", "PATCH", "DELETE"].includes(o.method));
    const guarded = writes.filter((o) => !VIEWER_WRITES.has(`${o.method} ${o.path}`));
    const as = (method: string, path: string, body: unknown = {}) =>
      requestFrom("127.0.0.1", new URL(path, scenario.hub.url).href, { method, headers: { authorization: `Bearer ${viewer.key}` }, body: method === "DELETE" ? undefined : body });
    const refused: string[] = [];
    const outcomes: string[] = [];
    for (const op of guarded) {
      const a = await as(op.method, concrete(op.path), { name: "viewer was here", items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } });
      const code = (a.body as { code?: string } | undefined)?.code;
      (a.status === 403 && code === "forbidden" ? refused : outcomes).push(`${op.method} ${op.path}: ${a.status} ${code}`);
    }
    // Its creator's dashboard: not listed, and 404 (not 403: the key cannot even tell it exists).
    const listed = await as("GET", "/api/v1/dashboards");
    const read = await as("GET", `/api/v1/dashboards/${board.id}`);
    const put = await as("PUT", `/api/v1/dashboards/${board.id}`, { name: "Taken over", widgets: [] });
    const del = await as("DELETE", `/api/v1/dashboards/${board.id}`);
    const listedIds = ((listed.body as { items?: { id: string }[] }).items ?? []).map((d) => d.id);
    const adminBoards = await scenario.api.request<{ items: { id: string; name: string }[] }>("GET", "/dashboards");
    figures.set("viewer key", `${guarded.length} guarded writes of ${writes.length} in the OpenAPI document: ${refused.length} answered 403 forbidden; creator's dashboard: listed ${listedIds.includes(board.id)}, GET ${read.status}, PUT ${put.status}, DELETE ${del.status}`);
    expect(guarded.length, "writes in the OpenAPI document a viewer may not make").toBeGreaterThanOrEqual(15);
    expect(outcomes, "guarded writes a viewer key was not refused").toEqual([]);
    expect(listed.status).toBe(200);
    expect(listedIds).not.toContain(board.id);
    expect([read.status, put.status, del.status]).toEqual([404, 404, 404]);
    expect(adminBoards.items.find((d) => d.id === board.id)?.name, "the admin's dashboard is untouched").toBe("Admin's own board");
    // Its creator's saved search, the same: not listed, not changed, not deleted.
    const searches = await as("GET", "/api/v1/saved-searches");
    expect(((searches.body as { items?: { id: string }[] }).items ?? []).map((s) => s.id)).not.toContain(search.id);
    const takeOver = await as("PUT", `/api/v1/saved-searches/${search.id}`, { name: "Taken over", query: "", shared: true });
    const drop = await as("DELETE", `/api/v1/saved-searches/${search.id}`);
    expect([takeOver.status, drop.status]).toEqual([404, 404]);
    const adminSearches = await scenario.api.request<{ items: { id: string; name: string }[] }>("GET", "/saved-searches");
    expect(adminSearches.items.find((s) => s.id === search.id)?.name, "the admin's saved search is untouched").toBe("Admin's own search");
    // The one change the key made is its own default dashboard (made by its first GET /dashboards).
    const audit = await scenario.api.request<{ items: { actor: string; action: string; target: string }[] }>("GET", "/audit?limit=200");
    expect(audit.items.filter((e) => e.actor === "api-key:r5 viewer").map((e) => `${e.action} ${e.target}`)).toEqual(listedIds.map((id) => `dashboard.create dashboard:${id}`));
    expect((await scenario.api.getTenant(agent.tenant.id)).status).toBe("online");
    const health = await hubHealthy(scenario.hub);
    figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
  });
});
