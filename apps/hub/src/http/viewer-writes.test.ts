import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Caller, createTestHub, login, loginAs, type TestHub } from "../../test/helpers.js";

/**
 * The writes a viewer may make: its own session, dashboards and saved searches (which are the caller's own, never
 * anyone else's), the public routes. Every other write in the OpenAPI document, including any
 * route added later, must answer a viewer 403.
 */
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

const PARAM_VALUES: Record<string, string> = { kind: "playbooks" };

function concrete(path: string): string {
  return `/api/v1${path.replace(/\{(\w+)\}/g, (_, name: string) => PARAM_VALUES[name] ?? `x_${name}_doesnotexist0`)}`;
}

describe("a viewer, by API key or session, cannot make any operator or admin change", () => {
  let t: TestHub;
  let writes: [method: string, path: string][];
  let viewerKey: Caller;
  let viewerSession: Caller;
  beforeAll(async () => {
    t = await createTestHub();
    const admin = await login(t.hub);
    viewerKey = new Caller(t.hub, { bearer: (await admin.post("/api-keys", { name: "read-only script", role: "viewer" })).body.key });
    viewerSession = await loginAs(t.hub, "viewer");
    const spec = (await admin.get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    writes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((method) => method.toUpperCase())
        .filter((method) => ["POST", "PUT", "PATCH", "DELETE"].includes(method))
        .map((method) => [method, path] as [string, string]),
    );
  });
  afterAll(() => t.hub.close());

  it("answers 403 forbidden on every write of the OpenAPI document it is not allowed", async () => {
    const guarded = writes.filter(([method, path]) => !VIEWER_WRITES.has(`${method} ${path}`));
    expect(guarded.length).toBeGreaterThanOrEqual(15);
    for (const [who, caller] of [
      ["viewer API key", viewerKey],
      ["viewer session", viewerSession],
    ] as const) {
      const outcomes = [];
      for (const [method, path] of guarded) {
        const res = await caller.request(method, concrete(path), {});
        outcomes.push({ who, route: `${method} ${path}`, status: res.status, code: res.body?.code });
      }
      expect(outcomes).toEqual(guarded.map(([method, path]) => ({ who, route: `${method} ${path}`, status: 403, code: "forbidden" })));
    }
  });

  it("the allowed writes exist, so the list above cannot silently go stale", () => {
    const documented = new Set(writes.map(([method, path]) => `${method} ${path}`));
    expect([...VIEWER_WRITES].filter((route) => !documented.has(route))).toEqual([]);
  });
});
