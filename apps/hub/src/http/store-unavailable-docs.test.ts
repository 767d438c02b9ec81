import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Caller, createTestHub, type TestHub } from "../../test/helpers.js";

describe("OpenAPI: 503 store_unavailable", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(() => t.hub.close());

  it("is documented on every route that changes something, and on no read but the one that writes", async () => {
    const spec = (await new Caller(t.hub).get("/openapi.json")).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    const writes = operations.filter(({ route }) => !route.startsWith("GET "));
    expect(writes.length).toBeGreaterThanOrEqual(20);
    expect(writes.filter(({ op }) => op.responses["503"] === undefined).map(({ route }) => route)).toEqual([]);
    // Listing your dashboards saves the default one on the first call.
    expect(operations.filter(({ route, op }) => route.startsWith("GET ") && op.responses["503"] !== undefined).map(({ route }) => route)).toEqual(["GET /dashboards"]);
  });
});
