import { PERMISSIONS, ROOT_ORG_ID, type UserAccount } from "@canopy/api";
import { problems } from "../core/problem-error.js";
import type { HubRepositories } from "./hub-data.js";
import type { UserRecord } from "./records.js";
import { usableRoles, type UsableRoles } from "./usable-roles.js";
import { orgOfUser, rolesOfUser, userPermissions } from "./user-roles.js";

/** A user as the API lists them: never the password hash. */
export function toAccount(user: UserRecord): UserAccount {
  return {
    id: user.id,
    email: user.email,
    orgId: orgOfUser(user),
    roles: rolesOfUser(user),
    disabled: user.disabled ?? false,
    invited: user.passwordHash === null,
    lastLoginAt: user.lastLoginAt ?? null,
    createdAt: user.createdAt,
  };
}

/** Whether the user, as they would be, is a full administrator of their organization (*Manage organization*). */
export const isFullAdmin = (user: UserRecord, custom: UsableRoles): boolean => {
  const allowed = userPermissions(user, custom);
  return PERMISSIONS.every((permission) => allowed.has(permission));
};

/**
 * Refuses a change that would leave an organization with no one to run it: a tenant keeps at
 * least one owner (an enabled user of it, listed as owner, with *Manage organization*); the root
 * at least one enabled full administrator. `after` is the user as the change leaves them
 * (undefined: deleted, or no longer an owner).
 */
export async function keepsAnOwner(tx: Pick<HubRepositories, "tenants" | "users" | "roles">, before: UserRecord, after: UserRecord | undefined, what: string): Promise<void> {
  const orgId = orgOfUser(before);
  // Everyone counted is of that organization: its roles (and those above it) are what theirs mean.
  const custom = await usableRoles(tx, orgId);
  const owners = await ownersOf(tx, before);
  const runs = (user: UserRecord | undefined) =>
    user !== undefined && !user.disabled && isFullAdmin(user, custom) && (orgId === ROOT_ORG_ID || owners.includes(user.id));
  if (!runs(before) || runs(after)) return;
  if ((await otherRunners(tx, orgId, before.id, custom)) > 0) return;
  throw problems.conflict(
    "last_owner",
    orgId === ROOT_ORG_ID
      ? `${before.email} is the last administrator of the root organization: ${what} would leave no one to run it; make someone else an administrator first`
      : `${before.email} is the last owner of their organization: ${what} would leave it with none; add another owner first`,
  );
}

async function ownersOf(tx: Pick<HubRepositories, "tenants">, user: UserRecord): Promise<string[]> {
  const orgId = orgOfUser(user);
  if (orgId === ROOT_ORG_ID) return [];
  return (await tx.tenants.get(orgId))?.ownerIds ?? [];
}

/** How many others run the organization: its owners (a tenant) or full administrators (the root), enabled. */
async function otherRunners(tx: Pick<HubRepositories, "tenants" | "users">, orgId: string, except: string, custom: UsableRoles): Promise<number> {
  if (orgId !== ROOT_ORG_ID) {
    const ownerIds = ((await tx.tenants.get(orgId))?.ownerIds ?? []).filter((id) => id !== except);
    let count = 0;
    for (const id of ownerIds) {
      const owner = await tx.users.get(id);
      if (owner && !owner.disabled && isFullAdmin(owner, custom)) count++;
    }
    return count;
  }
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await tx.users.page({ orgIds: new Set([ROOT_ORG_ID]), after, limit: 200 });
    for (const user of page.slice(0, 200)) if (user.id !== except && !user.disabled && isFullAdmin(user, custom)) count++;
    if (page.length <= 200 || count > 0) return count;
    after = page[199]!.email;
  }
}
