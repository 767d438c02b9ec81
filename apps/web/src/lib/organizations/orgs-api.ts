import type { Capability, Me, OrgNode, Owner, Page, Tenant, TenantCreate, TenantCreated, TenantPatch, UserAccount } from "@canopy/api";
import { request } from "$lib/api/client";

const base = (id: string) => `/tenants/${encodeURIComponent(id)}`;

export const getTree = () => request<OrgNode>("GET", "/orgs/tree");

export const getMe = () => request<Me>("GET", "/me");

export const createOrg = (input: TenantCreate) => request<TenantCreated>("POST", "/tenants", { body: input });

export const getOrg = (id: string) => request<Tenant>("GET", base(id));

export const updateOrg = (id: string, patch: TenantPatch) => request<Tenant>("PATCH", base(id), { body: patch });

export const deleteOrg = (id: string) => request<null>("DELETE", base(id));

export const setCapabilities = (id: string, capabilities: Capability[]) =>
  request<Tenant>("PUT", `${base(id)}/capabilities`, { body: { capabilities } });

export const listOwners = (id: string) => request<Page<Owner>>("GET", `${base(id)}/owners`);

export const addOwner = (id: string, userId: string) => request<Page<Owner>>("POST", `${base(id)}/owners`, { body: { userId } });

export const removeOwner = (id: string, userId: string) => request<null>("DELETE", `${base(id)}/owners/${encodeURIComponent(userId)}`);

/** The users of one organization (the people who can become its owners), every page. */
export async function listOrgUsers(orgId: string): Promise<UserAccount[]> {
  const all: UserAccount[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ orgId });
    if (cursor) query.set("cursor", cursor);
    const page: Page<UserAccount> = await request<Page<UserAccount>>("GET", `/users?${query}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
