import type { RoleCreate, RoleInfo, RoleList } from "@canopy/api";
import { request } from "./client";

export const listRoles = async (): Promise<RoleInfo[]> => (await request<RoleList>("GET", "/roles")).items;

export const createRole = (body: RoleCreate) => request<RoleInfo>("POST", "/roles", { body });

export const deleteRole = (name: string) => request<null>("DELETE", `/roles/${encodeURIComponent(name)}`);
