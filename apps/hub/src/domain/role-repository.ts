import { ROOT_ORG_ID } from "@canopy/api";
import type { RoleRecord } from "./records.js";

/**
 * Where custom roles are kept (the built-in ones are in `@canopy/api`). Each belongs to the
 * organization that defined it; names are unique within an organization, ignoring case.
 */
export interface RoleRepository {
  /** Organization `orgId`'s role named `name`, ignoring case. */
  get(orgId: string, name: string): Promise<RoleRecord | undefined>;
  /** The roles the organizations `orgIds` defined (null: every organization's), by organization, then lower-cased name. */
  definedBy(orgIds: Iterable<string> | null): Promise<RoleRecord[]>;
  /** How many roles organization `orgId` defined. */
  countOf(orgId: string): Promise<number>;
  /** Refused (409 `role_exists`) when its organization has a role of the name, ignoring case. */
  insert(role: RoleRecord): Promise<void>;
  delete(orgId: string, name: string): Promise<boolean>;
  /** Every role of organization `orgId` (it is deleted); how many there were. */
  deleteAllOf(orgId: string): Promise<number>;
}

export const roleKey = (name: string): string => name.trim().toLowerCase();

/** The organization that defined a role: earlier versions' records are the root's. */
export const orgOfRole = (role: RoleRecord): string => role.orgId ?? ROOT_ORG_ID;

/** A role's id: the key alone for the root (as earlier versions wrote it), else after its organization's id. */
export const roleId = (orgId: string, name: string): string => (orgId === ROOT_ORG_ID ? roleKey(name) : `${orgId}:${roleKey(name)}`);

/** By organization, then key: the order `definedBy` answers in on every store. */
export function compareRoles(a: RoleRecord, b: RoleRecord): number {
  const [orgA, orgB] = [orgOfRole(a), orgOfRole(b)];
  if (orgA !== orgB) return orgA < orgB ? -1 : 1;
  const [keyA, keyB] = [roleKey(a.name), roleKey(b.name)];
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}
