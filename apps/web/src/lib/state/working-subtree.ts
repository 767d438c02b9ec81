import type { Tenant } from "$lib/api";

export interface SubtreeView {
  /** The organization worked in; null for the user's own. */
  org: string | null;
  /** Whether the list holds this tenant now. */
  listed: (id: string) => boolean;
  /** The update waited out a reload and is applied over its answer. */
  replayed: boolean;
}

/**
 * Whether an update of a tenant keeps (or puts) it in the list of the organization worked in.
 * The live feed is opened there (`?org=`), so the hub sends only its subtree, and a tenant new
 * to the list is taken as the hub sent it. What the hub cannot tell is checked here: it fixes
 * the subtree when the stream opens, so a listed tenant moved under a parent outside it still
 * sends updates, and an update replayed over a reload's answer may be that of a tenant the
 * answer left out for having moved.
 */
export function staysInSubtree(tenant: Pick<Tenant, "id" | "parentId">, view: SubtreeView): boolean {
  if (view.org === null || tenant.id === view.org) return true;
  const underListed = tenant.parentId === view.org || (tenant.parentId !== null && view.listed(tenant.parentId));
  return underListed || (!view.replayed && !view.listed(tenant.id));
}
