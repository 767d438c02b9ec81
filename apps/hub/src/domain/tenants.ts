import type { HeldCapability } from "@canopy/api";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import type { TenantRecord } from "./records.js";
import type { TenantRepository } from "./tenant-repository.js";

export interface TenantInput {
  name: string;
  description?: string | undefined;
  tags?: string[] | undefined;
  /** Checked by the caller (`parentFor`): null is the root. */
  parentId: string | null;
  capabilities: HeldCapability[];
}

export interface TenantChange {
  name?: string | undefined;
  description?: string | undefined;
  tags?: string[] | undefined;
  /** Checked by the caller (`parentFor`, `checkMove`): null is the root; undefined keeps it. */
  parentId?: string | null | undefined;
}

function normalizeTags(tags: string[]): string[] {
  return Array.from(new Set(tags.map((t) => t.trim()).filter(Boolean)));
}

/** The tenant as it is kept: name and description trimmed, tags trimmed and without repeats. */
export async function createTenant(tenants: TenantRepository, clock: Clock, input: TenantInput): Promise<TenantRecord> {
  const now = isoAt(clock());
  const tenant: TenantRecord = {
    id: newId("tnt"),
    name: input.name.trim(),
    description: input.description?.trim() ?? "",
    tags: normalizeTags(input.tags ?? []),
    parentId: input.parentId,
    capabilities: input.capabilities,
    createdAt: now,
    updatedAt: now,
  };
  await tenants.insert(tenant);
  return tenant;
}

/** Applies `change` to the tenant; 404 when there is none. Returns it before and after. */
export async function updateTenant(tenants: TenantRepository, clock: Clock, id: string, change: TenantChange): Promise<{ before: TenantRecord; after: TenantRecord }> {
  const before = await tenants.getForUpdate(id);
  if (!before) throw problems.notFound(`tenant ${id}`);
  const after: TenantRecord = {
    ...before,
    name: change.name?.trim() ?? before.name,
    description: change.description?.trim() ?? before.description,
    tags: change.tags ? normalizeTags(change.tags) : before.tags,
    parentId: change.parentId === undefined ? before.parentId : change.parentId,
    updatedAt: isoAt(clock()),
  };
  await tenants.update(after);
  return { before, after };
}

export async function requireTenant(tenants: TenantRepository, id: string): Promise<TenantRecord> {
  const tenant = await tenants.get(id);
  if (!tenant) throw problems.notFound(`tenant ${id}`);
  return tenant;
}

/** Removes the tenant record; refused (409) while other tenants name it as their parent. */
export async function removeTenant(tenants: TenantRepository, id: string): Promise<TenantRecord> {
  const tenant = await requireTenant(tenants, id);
  const child = await tenants.firstChild(id);
  if (child) {
    throw problems.conflict("tenant_has_children", `tenant "${tenant.name}" has child tenants (e.g. "${child.name}"); delete or move them first`);
  }
  await tenants.delete(id);
  return tenant;
}
