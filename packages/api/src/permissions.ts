import { z } from "@hono/zod-openapi";

/**
 * What a user may do, one permission per kind of act (issue 12). Seeing is not a permission:
 * everyone sees their organization's subtree; the audit is the exception (`audit.view`).
 */
export const PERMISSIONS = [
  "organizations.view",
  "organizations.create",
  "organizations.manage",
  "msp-customers.manage",
  "users.manage",
  "content.edit",
  "content.push",
  "insights.triage",
  "tenants.connect",
  "audit.view",
  "api-keys.manage",
  "settings.manage",
] as const;
export const PermissionSchema = z.enum(PERMISSIONS).openapi("Permission");
export type Permission = z.infer<typeof PermissionSchema>;

const ORGANIZATIONS = ["organizations.view", "organizations.create", "organizations.manage"] as const satisfies readonly Permission[];

/** The roles every hub has, named as the products MSSPs know name them (Flexera One, Sumo Logic). */
export const BUILT_IN_ROLES = {
  "View Organizations": ["organizations.view"],
  "Create Organizations": ["organizations.view", "organizations.create"],
  "Manage Organizations": [...ORGANIZATIONS],
  "Manage MSP Customer": [...ORGANIZATIONS, "msp-customers.manage"],
  /** Full administrator of its organization. */
  "Manage organization": [...PERMISSIONS],
  Analyst: ["organizations.view", "insights.triage"],
  "Content manager": ["organizations.view", "content.edit", "content.push"],
  "Read only": ["organizations.view"],
} as const satisfies Record<string, readonly Permission[]>;
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/**
 * The roles of earlier versions, still accepted wherever a role is named: `admin` did everything,
 * `operator` managed tenants and agents, content, pushes and insights and read the audit,
 * `viewer` only read.
 */
export const ROLE_ALIASES = {
  admin: ["Manage organization"],
  operator: ["Manage Organizations", "Content manager", "Analyst"],
  viewer: ["Read only"],
} as const satisfies Record<string, readonly BuiltInRole[]>;

/** `operator` could also connect to tenants and read the audit; no built-in role has exactly that. */
const ALIAS_EXTRAS: Record<keyof typeof ROLE_ALIASES, readonly Permission[]> = {
  admin: [],
  operator: ["tenants.connect", "audit.view"],
  viewer: [],
};

/** A role someone defined: a name and a set of permissions. */
export interface CustomRole {
  name: string;
  permissions: readonly Permission[];
}

export const isBuiltIn = (name: string): name is BuiltInRole => Object.hasOwn(BUILT_IN_ROLES, name);
export const isAlias = (name: string): name is keyof typeof ROLE_ALIASES => Object.hasOwn(ROLE_ALIASES, name);
/** A built-in role or an earlier version's: never needs the custom roles to be read. */
export const isKnownRole = (name: string): boolean => isBuiltIn(name) || isAlias(name);

/**
 * Everything the named roles allow together. A name that is no role (a custom role deleted
 * since) allows nothing: a user keeps only what their roles still give.
 */
export function permissionsOf(roles: readonly string[], custom: readonly CustomRole[] = []): Set<Permission> {
  const allowed = new Set<Permission>();
  for (const role of roles) {
    if (isAlias(role)) {
      for (const builtIn of ROLE_ALIASES[role]) for (const permission of BUILT_IN_ROLES[builtIn]) allowed.add(permission);
      for (const permission of ALIAS_EXTRAS[role]) allowed.add(permission);
    } else if (isBuiltIn(role)) {
      for (const permission of BUILT_IN_ROLES[role]) allowed.add(permission);
    } else {
      for (const permission of custom.find((c) => c.name === role)?.permissions ?? []) allowed.add(permission);
    }
  }
  return allowed;
}

/** Whether roles `granted` allow no more than `holder` (an API key's role, a role a user gives). */
export function noStrongerThan(granted: ReadonlySet<Permission>, holder: ReadonlySet<Permission>): boolean {
  for (const permission of granted) if (!holder.has(permission)) return false;
  return true;
}
