import type { Permission } from "$lib/api";

/** What each permission lets a person do, as the role pages say it. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  "organizations.view": "View organizations",
  "organizations.create": "Create organizations",
  "organizations.manage": "Manage organizations (edit, pair, unpair, delete)",
  "msp-customers.manage": "Manage MSP customers (capabilities)",
  "users.manage": "Manage users and roles",
  "content.edit": "Edit content",
  "content.push": "Push content",
  "insights.triage": "Triage insights",
  "tenants.connect": "Connect to tenants",
  "audit.view": "View the audit log",
  "api-keys.manage": "Manage API keys",
  "settings.manage": "Manage settings",
};

export const permissionLabel = (permission: Permission): string => PERMISSION_LABELS[permission] ?? permission;
