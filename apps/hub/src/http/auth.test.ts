import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, Caller, createTestHub, login, loginAs, type TestHub } from "../../test/helpers.js";

describe("staff authentication", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("logs in with the first admin, sets a hardened cookie, and /me says who I am", async () => {
    const res = await new Caller(t.hub).post("/auth/login", { email: "ADMIN@test.local", password: ADMIN.password });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: "admin" });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^canopy_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http in tests

    const me = await new Caller(t.hub, { cookie: cookie.split(";")[0] }).get("/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: "admin", kind: "user" });
  });

  it("keeps only a hash of the session token and of the password", async () => {
    const caller = await login(t.hub);
    const token = caller.auth.cookie!.split("=")[1]!;
    const everything = JSON.stringify(
      ["users", "sessions"].map((name) => t.store.collection(name).all()),
    );
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(ADMIN.password);
    expect(everything).toMatch(/scrypt\$/);
  });

  it("refuses a wrong password with 401 problem+json and does not set a cookie", async () => {
    const res = await new Caller(t.hub).post("/auth/login", { email: ADMIN.email, password: "nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: "invalid_credentials", detail: "email or password is not correct" });
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("rate-limits failed logins per client address with 429 and Retry-After", async () => {
    const anonymous = new Caller(t.hub);
    for (let i = 0; i < 10; i++) {
      expect((await anonymous.post("/auth/login", { email: ADMIN.email, password: `wrong ${i}` })).status).toBe(401);
    }
    const limited = await anonymous.post("/auth/login", ADMIN);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  }, 60_000); // eleven real scrypt hashes

  it("logout ends the session: the old cookie no longer works", async () => {
    const caller = await login(t.hub);
    expect((await caller.post("/auth/logout")).status).toBe(204);
    expect((await caller.get("/me")).status).toBe(401);
  });

  it("answers 401 problem+json without credentials, on every non-public route", async () => {
    const spec = (await new Caller(t.hub).get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path] as const));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const publicRoutes = new Set(["POST /auth/login", "POST /auth/logout", "POST /auth/accept", "POST /agent/pair"]);
    for (const [method, path] of routes) {
      if (publicRoutes.has(`${method} ${path}`)) continue;
      const res = await new Caller(t.hub).request(method, `/api/v1${path.replace("{id}", "tnt_doesnotexist0")}`);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      expect(res.body.code).toBe("unauthorized");
    }
  });

  it("refuses a bad bearer key even where no auth is needed", async () => {
    const res = await new Caller(t.hub, { bearer: "key_nope.nope" }).get("/tenants");
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/API key/);
  });
});

describe("roles", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("a viewer reads but cannot change anything", async () => {
    const admin = await login(t.hub);
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body;
    const viewer = await loginAs(t.hub, "viewer");

    expect((await viewer.get("/tenants")).status).toBe(200);
    expect((await viewer.get(`/tenants/${tenant.id}`)).status).toBe(200);
    for (const [method, path] of [
      ["POST", "/tenants"],
      ["PATCH", `/tenants/${tenant.id}`],
      ["DELETE", `/tenants/${tenant.id}`],
      ["POST", `/tenants/${tenant.id}/pairing-codes`],
      ["POST", `/tenants/${tenant.id}/ping`],
      ["POST", `/tenants/${tenant.id}/unpair`],
      ["GET", `/tenants/${tenant.id}/connect`],
      ["GET", "/audit"],
      ["POST", "/api-keys"],
    ] as const) {
      const res = await viewer.request(method, path, method === "GET" || method === "DELETE" ? undefined : { name: "x" });
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 403 });
      expect(res.body.code).toBe("forbidden");
    }
    expect((await admin.get(`/tenants/${tenant.id}`)).body.name).toBe("Acme");
  });

  it("an operator manages tenants but not API keys", async () => {
    const operator = await loginAs(t.hub, "operator");
    expect((await operator.post("/tenants", { name: "Globex" })).status).toBe(201);
    expect((await operator.get("/audit")).status).toBe(200);
    expect((await operator.post("/api-keys", { name: "ci" })).status).toBe(403);
  });

  it("an admin's API key authenticates scripts with its own role; the key is shown once", async () => {
    const admin = await login(t.hub);
    const created = await admin.post("/api-keys", { name: "ci", role: "viewer" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "ci", role: "viewer" });
    const key: string = created.body.key;
    expect(JSON.stringify(t.store.collection("api-keys").all())).not.toContain(key.split(".")[1]);
    expect((await admin.get("/api-keys")).body.items[0]).not.toHaveProperty("key");

    const script = new Caller(t.hub, { bearer: key });
    expect((await script.get("/me")).body).toMatchObject({ kind: "apiKey", role: "viewer", email: null });
    expect((await script.post("/tenants", { name: "Nope" })).status).toBe(403);

    expect((await admin.delete(`/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await script.get("/me")).status).toBe(401);
  });

  it("defaults API keys to the operator role", async () => {
    const admin = await login(t.hub);
    const { key } = (await admin.post("/api-keys", { name: "automation" })).body;
    expect((await new Caller(t.hub, { bearer: key }).post("/tenants", { name: "Initech" })).status).toBe(201);
  });
});

describe("cross-site request protection", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("refuses a cookie-authenticated write from another origin", async () => {
    const admin = await login(t.hub);
    const res = await admin.post("/tenants", { name: "Evil" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/cross-site/);
    expect((await admin.get("/tenants")).body.items).toHaveLength(0);
  });

  it("refuses what the browser marks cross-site; same-origin without an Origin passes", async () => {
    const admin = await login(t.hub);
    expect((await admin.post("/tenants", { name: "A" }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await admin.post("/tenants", { name: "B" }, { "sec-fetch-site": "same-origin", origin: "" })).status).toBe(201);
  });

  it("refuses a cross-site login (login CSRF)", async () => {
    const res = await new Caller(t.hub).post("/auth/login", ADMIN, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  it("lets same-origin writes and bearer-key scripts through", async () => {
    const admin = await login(t.hub);
    expect((await admin.post("/tenants", { name: "Same Origin" })).status).toBe(201);
    const { key } = (await admin.post("/api-keys", { name: "s" })).body;
    const script = new Caller(t.hub, { bearer: key });
    expect((await script.post("/tenants", { name: "Script" }, { origin: "https://elsewhere.example" })).status).toBe(201);
  });
});
