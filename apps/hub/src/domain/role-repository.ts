import type { RoleRecord } from "./records.js";

/** Where custom roles are kept (the built-in ones are in `@canopy/api`). */
export interface RoleRepository {
  /** By name, ignoring case. */
  get(name: string): Promise<RoleRecord | undefined>;
  /** By lower-cased name. */
  all(): Promise<RoleRecord[]>;
  /** Refused (409 `role_exists`) when a role has the name, ignoring case. */
  insert(role: RoleRecord): Promise<void>;
  delete(name: string): Promise<boolean>;
}

export const roleKey = (name: string): string => name.trim().toLowerCase();
