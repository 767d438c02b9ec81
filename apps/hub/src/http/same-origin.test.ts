import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, Caller, createTestHub, login, type TestHub } from "../../test/helpers.js";

// `hub.app.request("/api/v1/…")` is addressed to http://localhost, so that is the hub's own origin.
const CASES: [string, Record<string, string>, 201 | 403][] = [
  ["neither header (a script)", {}, 201],
  ["the hub's own Origin", { origin: "http://localhost" }, 201],
  ["own Origin and Sec-Fetch-Site same-origin", { origin: "http://localhost", "sec-fetch-site": "same-origin" }, 201],
  ["Sec-Fetch-Site same-origin alone", { "sec-fetch-site": "same-origin" }, 201],
  ["Sec-Fetch-Site none (typed by the user)", { "sec-fetch-site": "none" }, 201],
  ["another scheme", { origin: "https://localhost" }, 403],
  ["another port", { origin: "http://localhost:8080" }, 403],
  ["another host", { origin: "http://evil.example" }, 403],
  ["a sibling host", { origin: "http://evil.localhost" }, 403],
  ["Origin: null", { origin: "null" }, 403],
  ["an Origin that is no URL", { origin: "localhost" }, 403],
  ["a non-http Origin", { origin: "file://localhost" }, 403],
  ["Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site" }, 403],
  ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }, 403],
  ["same-origin claimed with a foreign Origin", { "sec-fetch-site": "same-origin", origin: "http://evil.example" }, 403],
  ["none claimed with a foreign Origin", { "sec-fetch-site": "none", origin: "https://localhost" }, 403],
  ["own Origin but Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site", origin: "http://localhost" }, 403],
];

/** A cookie-authenticated write with exactly these browser headers (the Caller's default Origin removed). */
async function createTenant(caller: Caller, name: string, headers: Record<string, string>) {
  const res = await caller.hub.app.request("/api/v1/tenants", {
    method: "POST",
    headers: { cookie: caller.auth.cookie!, "content-type": "application/json", ...headers },
    body: JSON.stringify({ name }),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
}

describe("same-origin check on cookie-authenticated writes", () => {
  let t: TestHub;
  afterEach(() => t.hub.close());

  it("accepts only the hub's own origin (scheme, host and port) and refuses what a browser marks cross-site", async () => {
    t = await createTestHub();
    const admin = await login(t.hub);
    const outcomes = [];
    for (const [i, [what, headers]] of CASES.entries()) {
      const res = await createTenant(admin, `Tenant ${i}`, headers);
      outcomes.push({ what, status: res.status, ...(res.status === 403 ? { code: res.body.code } : {}) });
    }
    expect(outcomes).toEqual(CASES.map(([what, , status]) => ({ what, status, ...(status === 403 ? { code: "forbidden" } : {}) })));
    const created = (await admin.get("/tenants")).body.items.map((tenant: { name: string }) => tenant.name);
    expect(created).toHaveLength(CASES.filter(([, , status]) => status === 201).length);
  });

  it("refuses a login from another scheme (login CSRF)", async () => {
    t = await createTestHub();
    const res = await new Caller(t.hub).post("/auth/login", ADMIN, { origin: "https://localhost" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("also accepts the configured public origin (a TLS-terminating proxy in front)", async () => {
    t = await createTestHub({ publicUrl: "https://canopy.example.com/" });
    const admin = await login(t.hub);
    expect((await createTenant(admin, "Through the proxy", { origin: "https://canopy.example.com", "sec-fetch-site": "same-origin" })).status).toBe(201);
    expect((await createTenant(admin, "Direct", { origin: "http://localhost" })).status).toBe(201);
    expect((await createTenant(admin, "Plain http", { origin: "http://canopy.example.com" })).status).toBe(403);
    expect((await createTenant(admin, "Other port", { origin: "https://canopy.example.com:8443" })).status).toBe(403);
  });

  it("refuses a public URL that is not http(s)", async () => {
    await expect(createTestHub({ publicUrl: "ftp://canopy.example.com" })).rejects.toThrow(/publicUrl must be an http\(s\) URL/);
    t = await createTestHub();
  });

  it("over a real socket, the hub's origin is the address the browser used, scheme included", async () => {
    t = await createTestHub();
    const { url } = await t.hub.listen({ port: 0, host: "127.0.0.1" });
    const cookie = (await login(t.hub)).auth.cookie!;
    const post = (name: string, origin: string) =>
      fetch(`${url}/api/v1/tenants`, { method: "POST", headers: { cookie, origin, "content-type": "application/json" }, body: JSON.stringify({ name }) });
    expect((await post("Same", url)).status).toBe(201);
    expect((await post("Scheme", url.replace("http:", "https:"))).status).toBe(403);
    expect((await post("Host", url.replace("127.0.0.1", "localhost"))).status).toBe(403);
  });
});
