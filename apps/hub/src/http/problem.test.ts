import { createMemoryStore, type Collection, type Doc, type Store } from "@canopy/store";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHub, login, type TestHub } from "../../test/helpers.js";

/** A store whose tenants collection (its shards) fails on reads once `broken.now`, as a broken disk or a bug would. */
function storeWithBrokenTenants(broken: { now: boolean }): Store {
  const inner = createMemoryStore();
  return {
    ...inner,
    collection<T extends Doc>(name: string): Collection<T> {
      const collection = inner.collection<T>(name);
      if (!name.startsWith("tenants.")) return collection;
      return new Proxy(collection, {
        get(target, property, receiver) {
          if (property === "all" && broken.now) return () => {
            throw new Error("EIO: secret internal detail at /var/lib/canopy");
          };
          const value: unknown = Reflect.get(target, property, receiver);
          // Methods run on the collection itself (its private fields are not the proxy's).
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}

describe("errors are problem+json everywhere", () => {
  let t: TestHub | undefined;
  afterEach(() => t?.hub.close());

  it("answers an unknown API route with 404 problem+json", async () => {
    t = await createTestHub();
    const admin = await login(t.hub);
    const res = await admin.get("/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toEqual({
      type: "urn:canopy:problem:not_found",
      title: "Not Found",
      status: 404,
      detail: "GET /api/v1/no-such-thing was not found",
      code: "not_found",
    });
    const unknownMethod = await admin.request("PUT", "/tenants");
    expect(unknownMethod.status).toBe(404);
  });

  it("answers an unexpected failure with 500 and no internals", async () => {
    const broken = { now: false };
    t = await createTestHub({ store: storeWithBrokenTenants(broken) });
    const admin = await login(t.hub);
    broken.now = true;
    const res = await admin.get("/tenants");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: 500, code: "internal", detail: "the hub hit an unexpected error; it has been logged" });
    expect(JSON.stringify(res.body)).not.toMatch(/EIO|secret|\/var\/lib/);
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    t = await createTestHub();
    const admin = await login(t.hub);
    const res = await admin.post("/tenants", { name: "big", description: "x".repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });
});
