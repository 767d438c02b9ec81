import { ROOT_ORG_ID, type CapabilityName, type Tenant } from "@canopy/api";
import { isoAt } from "../core/clock.js";
import { inviteUrl, newInvite } from "../domain/invites.js";
import type { TenantRecord } from "../domain/records.js";
import { createTenant } from "../domain/tenants.js";
import { newUser } from "../domain/users.js";
import type { HubServices } from "../services.js";
import type { OrgScope } from "./org-scope.js";
import { checkCapabilities, defaultCapabilities, parentFor } from "./organizations.js";

export interface NewOrganization {
  name: string;
  description?: string | undefined;
  tags?: string[] | undefined;
  /** Default: the organization the caller works in. */
  parentId?: string | null | undefined;
  owner?: { email: string } | undefined;
  capabilities?: { name: CapabilityName; expiresAt?: string | null | undefined }[] | undefined;
}

export interface CreatedOrganization {
  tenant: Tenant;
  ownerInviteUrl?: string;
  ownerInviteExpiresAt?: string;
}

/**
 * A child organization, as `POST /tenants` and the CSV import make one: its parent checked
 * against the caller's scope (root, or holding msp), its capabilities only what the parent
 * holds (default: soar, siem and library as far as it does), and, with an owner, the owner
 * invited in the same unit of work, so no tenant is left with a link no one saw.
 */
export async function createOrganization(hub: HubServices, scope: OrgScope, actor: string, input: NewOrganization, linkOrigin: string): Promise<CreatedOrganization> {
  const now = hub.clock();
  const parent = await parentFor(hub.data.tenants, scope, input.parentId, hub.settings.rootOrgName, now);
  const capabilities = input.capabilities ? checkCapabilities(input.capabilities, parent, isoAt(now)) : defaultCapabilities(parent);
  const created = await hub.data.write(async (tx) => {
    const tenant = await createTenant(tx.tenants, hub.clock, { ...input, parentId: parent.id === ROOT_ORG_ID ? null : parent.id, capabilities });
    await tx.audit.record({
      actor,
      action: "tenant.create",
      target: `tenant:${tenant.id}`,
      detail: { name: tenant.name, tags: tenant.tags, parentId: parent.id, capabilities: capabilities.map((capability) => capability.name) },
    });
    if (!input.owner) return { tenant, invite: undefined };
    const owner = await newUser(input.owner.email, null, ["Manage organization"], hub.clock, tenant.id);
    const invite = newInvite(owner.id, "invite", actor, hub.clock);
    await tx.users.insert(owner);
    await tx.invites.insert(invite.record);
    const owned: TenantRecord = { ...tenant, ownerIds: [owner.id] };
    await tx.tenants.update(owned);
    await tx.audit.record({ actor, action: "user.invite", target: `user:${owner.id}`, detail: { email: owner.email, roles: owner.roles, owner: true, expiresAt: invite.record.expiresAt }, orgId: tenant.id });
    return { tenant: owned, invite };
  });
  hub.publishTenant(created.tenant.id);
  const tenant = await hub.views.get(created.tenant.id);
  return created.invite ? { tenant, ownerInviteUrl: inviteUrl(linkOrigin, created.invite.token), ownerInviteExpiresAt: created.invite.record.expiresAt } : { tenant };
}
