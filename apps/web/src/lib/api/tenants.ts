import { request, type RequestOptions } from "./client";
import type { ConnectResult, Page, PairingCode, PairingCodeCreate, PingResult, Tenant, TenantCreate, TenantPatch } from "./types";

const byId = (id: string) => `/tenants/${encodeURIComponent(id)}`;

/** Every tenant, following `nextCursor` until the last page. */
export async function listAllTenants(options: Pick<RequestOptions, "signal"> = {}): Promise<Tenant[]> {
  const all: Tenant[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    const page: Page<Tenant> = await request<Page<Tenant>>("GET", `/tenants${query}`, options);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export const getTenant = (id: string) => request<Tenant>("GET", byId(id));

export const createTenant = (input: TenantCreate) => request<Tenant>("POST", "/tenants", { body: input });

export const updateTenant = (id: string, input: TenantPatch) =>
  request<Tenant>("PATCH", byId(id), { body: input });

export const deleteTenant = (id: string) => request<null>("DELETE", byId(id));

export const createPairingCode = (id: string, ttlSeconds?: number) =>
  request<PairingCode>("POST", `${byId(id)}/pairing-codes`, { body: (ttlSeconds ? { ttlSeconds } : {}) satisfies PairingCodeCreate });

export const pingTenant = (id: string) => request<PingResult>("POST", `${byId(id)}/ping`);

export const unpairTenant = (id: string) => request<Tenant>("POST", `${byId(id)}/unpair`);

export const connectTenant = (id: string, options: Pick<RequestOptions, "signal"> = {}) =>
  request<ConnectResult>("GET", `${byId(id)}/connect`, options);
