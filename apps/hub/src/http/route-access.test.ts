import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Caller, createTestHub, loginAs, type TestHub } from "../../test/helpers.js";
import { ROUTE_ACCESS } from "./route-access.js";

interface Document {
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
}

describe("route access: every operation's rule, in one place", () => {
  let t: TestHub;
  let doc: Document;
  beforeAll(async () => {
    t = await createTestHub();
    doc = (await new Caller(t.hub).get("/openapi.json")).body as Document;
  });
  afterAll(() => t.hub.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, ...op })));

  it("has a rule for every operation of the document, and none for an operation that is gone", () => {
    const ids = operations().map((op) => op.operationId!);
    expect(ids.filter((id) => ROUTE_ACCESS[id] === undefined)).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("makes public exactly the operations the document says need no credentials", () => {
    const open = operations().filter((op) => op.security?.length === 0).map((op) => op.operationId);
    const publicIds = Object.entries(ROUTE_ACCESS).filter(([, access]) => access === "public").map(([id]) => id);
    expect(publicIds.sort()).toEqual(open.sort());
  });

  it("refuses a permission the caller's role does not give, naming it; the old roles keep what they could do", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const refused = await viewer.post("/pushes", { items: [], targets: { all: true } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("this needs the content.push permission, which your roles (viewer) do not give");
    const operator = await loginAs(t.hub, "operator");
    expect((await operator.get("/audit")).status).toBe(200);
    expect((await operator.get("/api-keys")).status).toBe(403);
    expect((await viewer.get("/tenants")).status).toBe(200);
  });
});
