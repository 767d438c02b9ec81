import { errorMessage, orgsApi, rolesApi, type RoleInfo } from "$lib/api";
import { session } from "$lib/state/session.svelte";
import { grantableRoles, pathUp, usableIn } from "./grantable-roles";
import { flattenOrgs, type OrgEntry } from "./org-directory";

/** What the admin pages share: the organizations of the working scope and the roles, loaded together. */
export class AdminDirectory {
  orgs = $state<OrgEntry[]>([]);
  roles = $state<RoleInfo[]>([]);
  error = $state<string | null>(null);
  /** The roles the signed-in user may give in organization `orgId` (one of `orgs`): usable there, none stronger than their own. */
  grantableIn = (orgId: string): RoleInfo[] => grantableRoles(usableIn(this.roles, pathUp(orgId, this.orgs)), session.user?.permissions ?? []);

  orgName = (orgId: string): string => this.orgs.find((org) => org.id === orgId)?.name ?? orgId;

  async load(): Promise<void> {
    try {
      const [tree, roles] = await Promise.all([orgsApi.orgTree(), rolesApi.listRoles()]);
      this.orgs = flattenOrgs(tree);
      this.roles = roles;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}
