import { describe, expect, it } from "vitest";
import { orgLink, withOrg } from "./org-link";

describe("orgLink", () => {
  it("keeps a list page and puts the organization in the address", () => {
    expect(orgLink("/nodes", "tnt_1")).toBe("/nodes?org=tnt_1");
    expect(orgLink("/insights/board", "tnt_1")).toBe("/insights/board?org=tnt_1");
    expect(orgLink("/admin/users", "org_root")).toBe("/admin/users?org=org_root");
  });

  it("goes from a detail page to its list, which the other organization has", () => {
    expect(orgLink("/nodes/tnt_9", "tnt_1")).toBe("/nodes?org=tnt_1");
    expect(orgLink("/insights/ins_4", "tnt_1")).toBe("/insights?org=tnt_1");
    expect(orgLink("/content/playbooks/pb_2", "tnt_1")).toBe("/content/playbooks?org=tnt_1");
    expect(orgLink("/dashboards/d1", "a b")).toBe("/dashboards?org=a%20b");
  });
});

describe("withOrg", () => {
  it("adds the organization and keeps the other parameters", () => {
    expect(withOrg(new URL("http://hub/insights?status=new#x"), "tnt_1")).toBe("/insights?status=new&org=tnt_1#x");
  });
});
