import { problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import { revokedAgent } from "./agents.js";
import type { TenantView } from "./tenant-views.js";
import { removeTenant, requireTenant } from "./tenants.js";

/** Hub-side unpair: revoke the tenant's agent, make it durable, then tell the agent (4003). */
export async function unpairTenant(hub: HubServices, tenantId: string, actor: string): Promise<TenantView> {
  const agent = await hub.data.write(async (tx) => {
    await requireTenant(tx.tenants, tenantId);
    const active = await tx.agents.activeFor(tenantId);
    if (!active) throw problems.conflict("not_paired", "this tenant has no paired agent");
    await tx.agents.update(revokedAgent(active, actor, "unpaired from the hub", hub.clock));
    await tx.audit.record({ actor, action: "tenant.unpair", target: `tenant:${tenantId}`, detail: { agentId: active.id } });
    return active;
  });
  hub.gateway.disconnectRevoked(agent.id, "unpaired from the hub");
  hub.publishTenant(tenantId);
  return hub.views.get(tenantId);
}

/**
 * Deletes a tenant, revoking its agent and its outstanding pairing codes, in one unit of work
 * with its audit entry. What hangs off it in the store (desired state and pending push results,
 * insights and board changes on their way) goes right after; a crash in between leaves only
 * state of a tenant that no longer exists, which nothing shows or delivers.
 */
export async function deleteTenant(hub: HubServices, tenantId: string, actor: string): Promise<void> {
  const agent = await hub.data.write(async (tx) => {
    const tenant = await removeTenant(tx.tenants, tenantId);
    const active = await tx.agents.activeFor(tenantId);
    if (active) await tx.agents.update(revokedAgent(active, actor, "tenant deleted", hub.clock));
    await tx.pairingCodes.deleteForTenant(tenantId);
    await tx.tenantSettings.delete(tenantId);
    // The roles it defined go with it: no one is left to use or manage them.
    await tx.roles.deleteAllOf(tenantId);
    await tx.audit.record({
      actor,
      action: "tenant.delete",
      target: `tenant:${tenantId}`,
      detail: { name: tenant.name, ...(active ? { agentId: active.id } : {}) },
    });
    return active;
  });
  // Its pending push results stop, and nothing is desired of it any more.
  hub.pushes.control.tenantDeleted(tenantId);
  // Its insights, and board changes still on their way to it.
  await hub.insights.tenantDeleted(tenantId);
  hub.tenantSettings.tenantDeleted(tenantId);
  await hub.store.flush();
  if (agent) hub.gateway.disconnectRevoked(agent.id, "tenant deleted");
  hub.bus.publish("tenant.deleted", { id: tenantId });
}
