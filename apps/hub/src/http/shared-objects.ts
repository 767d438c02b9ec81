import { ROOT_ORG_ID, type SharedBy } from "@canopy/api";
import type { Context } from "hono";
import { scopeOf, type HubEnv } from "./context.js";

/** Shared objects one listing answers at most, of each kind (each user keeps at most 50 dashboards, 100 searches). */
export const SHARED_OBJECTS_LISTED_MAX = 500;

/** What a shareable record says about whose it is. */
export interface ShareableRecord {
  ownerId: string;
  ownerLabel?: string | undefined;
  orgId?: string | undefined;
  shared?: boolean | undefined;
}

/**
 * Whose shared dashboards and saved searches the caller may read: those of the organization they
 * work in, and of the organizations its settings take shared objects from (`sharedObjectsFrom`;
 * the root has no settings). Read from the repository on every request, not a cache, so taking
 * an organization off the list takes its objects away at once.
 */
export async function sharingOrgsOf(c: Context<HubEnv>): Promise<string[]> {
  const { orgId } = scopeOf(c);
  if (orgId === ROOT_ORG_ID) return [orgId];
  const settings = await c.get("hub").data.tenantSettings.get(orgId);
  return [orgId, ...(settings?.sharedObjectsFrom ?? []).filter((id) => id !== orgId)];
}

/** Whether someone else's record is shared with the caller, whose sharing organizations are `orgs`. */
export const sharedWith = (record: ShareableRecord, orgs: readonly string[]): boolean =>
  record.shared === true && record.orgId !== undefined && orgs.includes(record.orgId);

/** How the caller is told whose records are: null for their own, else the organization (by name) and the owner. */
export async function sharedByLabels(c: Context<HubEnv>, callerId: string, records: readonly ShareableRecord[]): Promise<(record: ShareableRecord) => SharedBy | null> {
  const hub = c.get("hub");
  const orgIds = new Set(records.filter((r) => r.ownerId !== callerId && r.orgId !== undefined).map((r) => r.orgId!));
  const tenants = await hub.data.tenants.getMany([...orgIds].filter((id) => id !== ROOT_ORG_ID));
  const orgName = (id: string) => (id === ROOT_ORG_ID ? hub.settings.rootOrgName : (tenants.get(id)?.name ?? id));
  return (record) =>
    record.ownerId === callerId || record.orgId === undefined
      ? null
      : { orgId: record.orgId, orgName: orgName(record.orgId), owner: record.ownerLabel ?? "a former user" };
}
