import { describe, expect, it } from "vitest";
import type { RoleInfo } from "$lib/api";
import { allPermissions, grantableRoles, pathUp, usableIn } from "./grantable-roles";

const roles: RoleInfo[] = [
  { name: "Manage organization", builtIn: true, alias: false, permissions: ["organizations.view", "users.manage", "content.edit"] },
  { name: "Analyst", builtIn: true, alias: false, permissions: ["organizations.view", "insights.triage"] },
  { name: "Read only", builtIn: true, alias: false, permissions: ["organizations.view"] },
  { name: "viewer", builtIn: true, alias: true, permissions: ["organizations.view"] },
];

describe("grantableRoles", () => {
  it("offers only roles whose permissions are all one's own, and no alias", () => {
    expect(grantableRoles(roles, ["organizations.view", "insights.triage"]).map((role) => role.name)).toEqual(["Analyst", "Read only"]);
  });
});

describe("allPermissions", () => {
  it("lists every permission once, in the order the roles name them", () => {
    expect(allPermissions(roles)).toEqual(["organizations.view", "users.manage", "content.edit", "insights.triage"]);
  });
});

describe("usableIn", () => {
  // Worked in: MSP A (the tree's top), with its customer C; the root's roles come from above.
  const orgs = [
    { id: "tnt_a", name: "MSP A", depth: 0, parentId: null },
    { id: "tnt_c", name: "Customer C", depth: 1, parentId: "tnt_a" },
    { id: "tnt_d", name: "Customer D", depth: 1, parentId: "tnt_a" },
  ];
  const custom = (name: string, orgId: string, usable: boolean): RoleInfo => ({ name, builtIn: false, alias: false, permissions: ["organizations.view"], orgId, usable });
  const listed = [
    ...roles,
    custom("Auditor", "tnt_a", true),
    custom("Auditor", "org_root", true),
    custom("Night shift", "org_root", true),
    custom("night SHIFT", "tnt_c", false),
    custom("D only", "tnt_d", false),
  ];
  const named = (found: RoleInfo[]) => found.filter((role) => !role.builtIn).map((role) => `${role.name}@${role.orgId}`);

  it("offers in an organization the custom roles defined there or above it, the nearest of each name", () => {
    // C's own night shift hides the root's (the hub resolves the name to C's there).
    expect(named(usableIn(listed, pathUp("tnt_c", orgs)))).toEqual(["night SHIFT@tnt_c", "Auditor@tnt_a"]);
    expect(named(usableIn(listed, pathUp("tnt_d", orgs)))).toEqual(["D only@tnt_d", "Auditor@tnt_a", "Night shift@org_root"]);
    expect(named(usableIn(listed, pathUp("tnt_a", orgs)))).toEqual(["Auditor@tnt_a", "Night shift@org_root"]);
    expect(usableIn(listed, []).filter((role) => role.builtIn)).toEqual(roles);
  });
});
