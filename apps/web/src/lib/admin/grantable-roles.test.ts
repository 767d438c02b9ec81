import { describe, expect, it } from "vitest";
import type { RoleInfo } from "$lib/api";
import { allPermissions, grantableRoles } from "./grantable-roles";

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
