import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, PERMISSIONS, noStrongerThan, permissionsOf } from "./permissions.js";

describe("permissions of roles", () => {
  it("gives the full administrator every permission, and the old admin alias the same", () => {
    expect([...permissionsOf(["Manage organization"])].sort()).toEqual([...PERMISSIONS].sort());
    expect(permissionsOf(["admin"])).toEqual(permissionsOf(["Manage organization"]));
  });

  it("keeps what the old operator could do, and nothing of the administrator's own", () => {
    const operator = permissionsOf(["operator"]);
    for (const permission of ["organizations.create", "organizations.manage", "content.edit", "content.push", "insights.triage", "tenants.connect", "audit.view"] as const) {
      expect(operator.has(permission)).toBe(true);
    }
    for (const permission of ["users.manage", "api-keys.manage", "settings.manage", "msp-customers.manage"] as const) {
      expect(operator.has(permission)).toBe(false);
    }
  });

  it("lets the old viewer and Read only see organizations and do nothing else", () => {
    expect([...permissionsOf(["viewer"])]).toEqual(["organizations.view"]);
    expect([...permissionsOf(["Read only"])]).toEqual(["organizations.view"]);
  });

  it("nests the organization roles: each holds the one before", () => {
    const chain = ["View Organizations", "Create Organizations", "Manage Organizations", "Manage MSP Customer"] as const;
    for (let i = 1; i < chain.length; i++) {
      expect(noStrongerThan(permissionsOf([chain[i - 1]!]), permissionsOf([chain[i]!]))).toBe(true);
      expect(noStrongerThan(permissionsOf([chain[i]!]), permissionsOf([chain[i - 1]!]))).toBe(false);
    }
  });

  it("adds up several roles, custom ones by name; a role that no longer exists gives nothing", () => {
    const custom = [{ name: "Pusher", permissions: ["content.push"] as const }];
    expect([...permissionsOf(["Analyst", "Pusher"], custom)].sort()).toEqual(["content.push", "insights.triage", "organizations.view"]);
    expect(permissionsOf(["Deleted role"], custom).size).toBe(0);
  });

  it("names only known permissions in every built-in role", () => {
    for (const permissions of Object.values(BUILT_IN_ROLES)) for (const permission of permissions) expect(PERMISSIONS).toContain(permission);
  });
});
