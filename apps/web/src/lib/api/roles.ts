import type { RoleCreate, RoleInfo, RoleList } from "@canopy/api";
import { request } from "./client";

export const listRoles = async (): Promise<RoleInfo[]> => (await request<RoleList>("GET", "/roles")).items;

export const createRole = (body: RoleCreate) => request<RoleInfo>("POST", "/roles", { body });

/** `orgId`: the organization that defined it (default: the one you work in). */
export const deleteRole = (name: string, orgId?: string) =>
  request<null>("DELETE", `/roles/${encodeURIComponent(name)}${orgId === undefined ? "" : `?orgId=${encodeURIComponent(orgId)}`}`);
