import { errorMessage, orgsApi, setWorkingOrg, type OrgNode } from "$lib/api";
import { flattenOrgs, type OrgEntry } from "$lib/admin/org-directory";
import { toasts } from "./toasts.svelte";

/**
 * The organization the signed-in user works in: their own (null), or one under it chosen in the
 * header's account menu. It lives in the address (`?org=`), so a link shared keeps it; every API
 * call then sends it to the hub, which answers for that organization's subtree only.
 */
class WorkingOrg {
  /** null: the user's own organization. */
  id = $state<string | null>(null);
  /** The user's whole scope (never narrowed by the switch), for the menu; null until loaded. */
  tree = $state<OrgNode | null>(null);
  readonly entries = $derived<OrgEntry[]>(this.tree ? flattenOrgs(this.tree) : []);
  readonly name = $derived(this.entries.find((entry) => entry.id === this.id)?.name ?? null);

  switchTo(id: string | null): void {
    if (id === this.id) return;
    setWorkingOrg(id);
    this.id = id;
  }

  /** Reads the user's scope; an `?org=` outside it (a link from someone else) falls back to their own. */
  async loadTree(): Promise<void> {
    try {
      this.tree = await orgsApi.orgTree({ ownScope: true });
    } catch (error) {
      toasts.error(`The organizations could not be read: ${errorMessage(error)}`);
      return;
    }
    if (this.id !== null && !this.entries.some((entry) => entry.id === this.id)) {
      toasts.error("That organization is not one of yours: showing your own.");
      this.switchTo(null);
    }
  }

  /** Sign-out: the next user starts in their own organization. */
  reset(): void {
    this.switchTo(null);
    this.tree = null;
  }
}

export const workingOrg = new WorkingOrg();
