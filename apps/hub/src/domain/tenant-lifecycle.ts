import { problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import type { TenantView } from "./tenant-views.js";

/** Hub-side unpair: revoke the tenant's agent, make it durable, then tell the agent (4003). */
export async function unpairTenant(hub: HubServices, tenantId: string, actor: string): Promise<TenantView> {
  hub.tenants.require(tenantId);
  const agent = hub.agents.activeFor(tenantId);
  if (!agent) throw problems.conflict("not_paired", "this tenant has no paired agent");
  hub.agents.revoke(agent.id, actor, "unpaired from the hub");
  hub.audit.record({ actor, action: "tenant.unpair", target: `tenant:${tenantId}`, detail: { agentId: agent.id } });
  await hub.store.flush();
  hub.gateway.disconnectRevoked(agent.id, "unpaired from the hub");
  hub.publishTenant(tenantId);
  return hub.views.get(tenantId);
}

/** Deletes a tenant, revoking its agent and its outstanding pairing codes. */
export async function deleteTenant(hub: HubServices, tenantId: string, actor: string): Promise<void> {
  const agent = hub.agents.activeFor(tenantId);
  const tenant = hub.tenants.delete(tenantId);
  if (agent) hub.agents.revoke(agent.id, actor, "tenant deleted");
  hub.pairingCodes.deleteForTenant(tenantId);
  // Its pending push results stop, and nothing is desired of it any more.
  hub.pushes.control.tenantDeleted(tenantId);
  // Its insights, and board changes still on their way to it.
  await hub.insights.tenantDeleted(tenantId);
  hub.audit.record({
    actor,
    action: "tenant.delete",
    target: `tenant:${tenantId}`,
    detail: { name: tenant.name, ...(agent ? { agentId: agent.id } : {}) },
  });
  await hub.store.flush();
  if (agent) hub.gateway.disconnectRevoked(agent.id, "tenant deleted");
  hub.bus.publish("tenant.deleted", { id: tenantId });
}
