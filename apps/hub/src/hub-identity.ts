import type { Logger } from "pino";
import { revokedAgent } from "./domain/agents.js";
import type { HubData } from "./domain/hub-data.js";
import type { HubServices } from "./services.js";

const SYSTEM = "system";
const REASON = "the hub's identity was replaced (--new-identity)";

/** Agents paired and not revoked: each pinned the hub's public key when it paired. */
export async function pairedAgentCount(data: HubData): Promise<number> {
  return (await data.agents.activeByTenant()).size;
}

/**
 * After `--new-identity` replaced a lost key: the agents that pinned the old one can never shake
 * hands again, so they are revoked (their tenants show as unpaired, ready to pair again) and the
 * replacement is audited, once for the hub and once per tenant. Durable before the hub serves.
 */
export async function retireLostIdentity(services: HubServices, keyFile: string, logger: Logger): Promise<void> {
  const retired = await services.data.write(async (tx) => {
    const active = [...(await tx.agents.activeByTenant()).values()];
    for (const agent of active) {
      await tx.agents.update(revokedAgent(agent, SYSTEM, REASON, services.clock));
      await tx.audit.record({ actor: SYSTEM, action: "tenant.unpair", target: `tenant:${agent.tenantId}`, detail: { agentId: agent.id, reason: REASON } });
    }
    await tx.audit.record({ actor: SYSTEM, action: "hub.identity.replace", target: null, detail: { keyFile, agentsRevoked: active.length } });
    return active;
  });
  logger.warn({ keyFile, agentsRevoked: retired.length }, "made a new hub identity; every agent paired before must pair again");
}
