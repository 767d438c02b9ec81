import { describe, expect, it } from "vitest";
import { loginPath, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps local paths and refuses anything that leaves the hub", () => {
    expect(safeNextPath("/nodes/tnt_1?tab=x")).toBe("/nodes/tnt_1?tab=x");
    expect(safeNextPath(null)).toBe("/nodes");
    expect(safeNextPath("https://evil.example")).toBe("/nodes");
    expect(safeNextPath("//evil.example")).toBe("/nodes");
    expect(safeNextPath("/\\evil.example")).toBe("/nodes");
    expect(safeNextPath("/login?next=/x")).toBe("/nodes");
  });
});

describe("loginPath", () => {
  it("remembers where the user was going", () => {
    expect(loginPath(new URL("http://hub/nodes/tnt_1"))).toBe("/login?next=%2Fnodes%2Ftnt_1");
    expect(loginPath(new URL("http://hub/"))).toBe("/login");
  });
});
