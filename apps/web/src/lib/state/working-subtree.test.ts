import { describe, expect, it } from "vitest";
import { staysInSubtree } from "./working-subtree";

const MSP = "org_msp";
const listedIds = new Set([MSP, "ten_customer"]);
const view = (replayed = false) => ({ org: MSP, listed: (id: string) => listedIds.has(id), replayed });

describe("staysInSubtree", () => {
  it("keeps every tenant when the user works in their own organization", () => {
    expect(staysInSubtree({ id: "ten_any", parentId: "ten_elsewhere" }, { ...view(), org: null })).toBe(true);
  });

  it("keeps the organization worked in and tenants under it or under a listed one", () => {
    expect(staysInSubtree({ id: MSP, parentId: null }, view())).toBe(true);
    expect(staysInSubtree({ id: "ten_new", parentId: MSP }, view())).toBe(true);
    expect(staysInSubtree({ id: "ten_grandchild", parentId: "ten_customer" }, view(true))).toBe(true);
  });

  it("takes a tenant new to the list as the hub sent it", () => {
    expect(staysInSubtree({ id: "ten_unknown", parentId: null }, view())).toBe(true);
  });

  it("drops a listed tenant moved under a parent outside the subtree", () => {
    expect(staysInSubtree({ id: "ten_customer", parentId: "ten_sibling" }, view())).toBe(false);
    expect(staysInSubtree({ id: "ten_customer", parentId: null }, view())).toBe(false);
  });

  it("drops a replayed update of a tenant outside that the reload left out", () => {
    expect(staysInSubtree({ id: "ten_moved", parentId: "ten_sibling" }, view(true))).toBe(false);
  });
});
