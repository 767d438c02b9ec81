import type { TenantSettings, TenantSettingsPatch, TenantUsage } from "@canopy/api";
import { request } from "$lib/api/client";

const base = (id: string) => `/tenants/${encodeURIComponent(id)}`;

export const getSettings = (id: string) => request<TenantSettings>("GET", `${base(id)}/settings`);

export const patchSettings = (id: string, patch: TenantSettingsPatch) => request<TenantSettings>("PATCH", `${base(id)}/settings`, { body: patch });

export const getUsage = (id: string, days = 30) => request<TenantUsage>("GET", `${base(id)}/usage?days=${days}`);
