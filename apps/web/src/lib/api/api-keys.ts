import type { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList } from "@canopy/api";
import { request } from "./client";

/** The hub answers every key in one page (people make them by hand; they are few). */
export const listApiKeys = async (): Promise<ApiKey[]> => (await request<ApiKeyList>("GET", "/api-keys")).items;

export const createApiKey = (body: ApiKeyCreate) => request<ApiKeyCreated>("POST", "/api-keys", { body });

export const deleteApiKey = (id: string) => request<null>("DELETE", `/api-keys/${encodeURIComponent(id)}`);
