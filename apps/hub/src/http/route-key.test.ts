import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Caller, createTestHub, type TestHub } from "../../test/helpers.js";
import { routeKey } from "./route-key.js";

describe("routeKey", () => {
  it("drops every trailing slash and nothing else", () => {
    expect(routeKey("POST", "/api/v1/auth/login//")).toBe("POST /api/v1/auth/login");
    expect(routeKey("GET", "/a//b")).toBe("GET /a//b");
    expect(routeKey("GET", "///")).toBe("GET ");
  });
});

describe("route lookups on hostile paths", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("answers an anonymous request whose path is a megabyte of slashes at once", async () => {
    // The regex these lookups used took minutes on this path, with every tenant waiting.
    const res = await new Caller(t.hub).get(`/api/v1/${"/".repeat(1 << 20)}x`);
    expect(res.status).toBe(401);
  });
});
