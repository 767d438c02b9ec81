import type { Permission } from "@canopy/api";
import type { IdOwner } from "../orgs/id-owners.js";

/** Who may call an operation: anyone, anyone signed in (they see their own scope), or a permission (or several, all needed). */
export type Access = "public" | "signed-in" | Permission | readonly Permission[];

/** The permissions `access` needs that `held` lacks (none for public and signed-in operations). */
export function missingPermissions(access: Access, held: ReadonlySet<Permission>): Permission[] {
  if (access === "public" || access === "signed-in") return [];
  return (typeof access === "string" ? [access] : access).filter((permission) => !held.has(permission));
}

/** The permissions `access` names. */
export const permissionsOfAccess = (access: Access): readonly Permission[] => (access === "public" || access === "signed-in" ? [] : typeof access === "string" ? [access] : access);

/**
 * Every operation of the API by its operationId, and what calling it needs: the one place
 * permissions are decided (`authorize.ts` applies it to every request; the OpenAPI document test
 * fails for an operation missing here). Reading is open to anyone signed in, within their scope;
 * the audit is the exception.
 */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  login: "public",
  logout: "public",
  // The agent proves itself with its pairing code; the handler checks it.
  pairAgent: "public",
  getMe: "signed-in",
  acceptInvite: "public",
  getHubStatus: "public",

  getOrgTree: "signed-in",
  importTenants: "organizations.create",
  setTenantCapabilities: "msp-customers.manage",
  listTenantOwners: "signed-in",
  addTenantOwner: "users.manage",
  removeTenantOwner: "users.manage",

  listUsers: "users.manage",
  getUser: "users.manage",
  createUser: "users.manage",
  updateUser: "users.manage",
  deleteUser: "users.manage",
  resetUserPassword: "users.manage",
  listRoles: "signed-in",
  createRole: "users.manage",
  deleteRole: "users.manage",

  createApiKey: "api-keys.manage",
  listApiKeys: "api-keys.manage",
  deleteApiKey: "api-keys.manage",

  listTenants: "signed-in",
  getTenant: "signed-in",
  createTenant: "organizations.create",
  updateTenant: "organizations.manage",
  deleteTenant: "organizations.manage",
  createPairingCode: "organizations.manage",
  unpairTenant: "organizations.manage",
  pingTenant: "tenants.connect",
  getTenantSystemInfo: "tenants.connect",
  getTenantInsight: "signed-in",
  getTenantSettings: "signed-in",
  updateTenantSettings: "settings.manage",
  getTenantUsage: "signed-in",

  streamEvents: "signed-in",
  listAudit: "audit.view",

  listContent: "signed-in",
  getContent: "signed-in",
  listContentRevisions: "signed-in",
  exportPlaybook: "signed-in",
  createContent: "content.edit",
  replaceContent: "content.edit",
  // Deleting an item also withdraws it from every tenant holding it (a push of removals).
  deleteContent: ["content.edit", "content.push"],
  importContent: "content.edit",
  rollbackContent: "content.push",

  listPushes: "signed-in",
  getPush: "signed-in",
  streamPushEvents: "signed-in",
  createPush: "content.push",
  retryPush: "content.push",
  stopPush: "content.push",

  listInsights: "signed-in",
  getInsight: "signed-in",
  updateInsight: "insights.triage",
  bulkUpdateInsights: "insights.triage",

  // Dashboards are each user's own (dashboard-owner.ts): being signed in is enough.
  listDashboards: "signed-in",
  createDashboard: "signed-in",
  getDashboard: "signed-in",
  replaceDashboard: "signed-in",
  deleteDashboard: "signed-in",
  getDashboardData: "signed-in",
  getWidgetData: "signed-in",
  previewWidget: "signed-in",
  exportDashboardXlsx: "signed-in",
  exportDashboardPdf: "signed-in",

  // Saved searches are each user's own too; shared ones are read-only to others (shared-objects.ts).
  listSavedSearches: "signed-in",
  createSavedSearch: "signed-in",
  replaceSavedSearch: "signed-in",
  deleteSavedSearch: "signed-in",
};

/**
 * Permissions over what only the MSSP keeps: the content catalogue is the root's, which every
 * organization pushes to its customers. They act for users of the root alone, so a child MSP's
 * content manager cannot change (or delete) items every other organization uses.
 */
export const ROOT_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(["content.edit"]);

/**
 * The operations whose path `{id}` belongs to an organization, and what it names: `authorize`
 * answers 404 for one outside the caller's scope before the handler runs.
 */
export const ID_OWNERS: Readonly<Record<string, IdOwner>> = {
  getTenant: "tenant",
  updateTenant: "tenant",
  deleteTenant: "tenant",
  createPairingCode: "tenant",
  unpairTenant: "tenant",
  pingTenant: "tenant",
  getTenantSystemInfo: "tenant",
  getTenantInsight: "tenant",
  setTenantCapabilities: "tenant",
  listTenantOwners: "tenant",
  addTenantOwner: "tenant",
  removeTenantOwner: "tenant",
  getTenantSettings: "tenant",
  updateTenantSettings: "tenant",
  getTenantUsage: "tenant",
  getPush: "push",
  streamPushEvents: "push",
  retryPush: "push",
  stopPush: "push",
  getInsight: "insight",
  updateInsight: "insight",
  getUser: "user",
  updateUser: "user",
  deleteUser: "user",
  resetUserPassword: "user",
  deleteApiKey: "api-key",
};

/**
 * The operations that reach into a tenant (Connect) or change what it holds (insight changes
 * written back): a tenant whose `accessibleByParent` setting is off refuses them to its parent
 * organizations' users, who still see its status. (`bulkUpdateInsights` checks each id itself.)
 */
export const INTO_TENANT: ReadonlySet<string> = new Set(["getTenantSystemInfo", "getTenantInsight", "updateInsight"]);
