import { isKnownRole } from "@canopy/api";
import { problems } from "../core/problem-error.js";
import type { HubRepositories } from "../domain/hub-data.js";
import type { TenantRecord } from "../domain/records.js";
import { orgOfRole, roleKey } from "../domain/role-repository.js";
import { usableRoles } from "../domain/usable-roles.js";
import { rolesOfUser } from "../domain/user-roles.js";
import { lineageOf } from "./org-lineage.js";

/** Users of the moved organization read per page. */
const PAGE = 500;
/** Holders named in the refusal at most. */
const NAMED_MAX = 5;

/**
 * Refuses (409, naming them) a move after which users of `tenant` would hold custom roles that
 * mean nothing under the new parent: roles defined by an organization above it that is not above
 * it any more. Without this their permissions would silently shrink; the mover gives them other
 * roles first. (Only customers move: an organization with customers stays where it is.)
 */
export async function checkRolesAfterMove(tx: Pick<HubRepositories, "roles" | "tenants" | "users">, tenant: TenantRecord, newParentId: string, newParentName: string): Promise<void> {
  const before = await usableRoles(tx, tenant.id);
  if (before.size === 0) return;
  const newLineage = new Set([tenant.id, ...(await lineageOf(tx.tenants, newParentId))]);
  const lost = new Set([...before].filter(([, role]) => !newLineage.has(orgOfRole(role))).map(([key]) => key));
  if (lost.size === 0) return;
  const holders: { email: string; role: string }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await tx.users.page({ orgIds: new Set([tenant.id]), after, limit: PAGE });
    for (const user of page.slice(0, PAGE)) {
      for (const name of rolesOfUser(user)) if (!isKnownRole(name) && lost.has(roleKey(name))) holders.push({ email: user.email, role: name });
    }
    if (page.length <= PAGE) break;
    after = page[PAGE - 1]!.email;
  }
  if (holders.length === 0) return;
  const named = holders.slice(0, NAMED_MAX).map((h) => `${h.email} (${h.role})`).join(", ");
  const more = holders.length > NAMED_MAX ? ` and ${holders.length - NAMED_MAX} more` : "";
  throw problems.conflict(
    "roles_lost_by_move",
    `users of "${tenant.name}" hold roles defined above it that mean nothing under "${newParentName}": ${named}${more}; give them other roles first`,
  );
}
