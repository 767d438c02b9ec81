import type { Permission } from "$lib/api";
import { session } from "$lib/state/session.svelte";

/** The pages of the Admin section, each shown only to those with its permission. */
export const ADMIN_SECTIONS: readonly { href: string; label: string; permission: Permission }[] = [
  { href: "/admin/users", label: "Users", permission: "users.manage" },
  { href: "/admin/roles", label: "Roles", permission: "users.manage" },
  { href: "/admin/api-keys", label: "API keys", permission: "api-keys.manage" },
  { href: "/admin/audit", label: "Audit", permission: "audit.view" },
];

/** The admin pages the signed-in user may open. */
export const allowedAdminSections = () => ADMIN_SECTIONS.filter((section) => session.can(section.permission));

/** Where the header's Admin link goes: the first admin page the user may open, or null for none. */
export const adminHome = (): string | null => allowedAdminSections()[0]?.href ?? null;
