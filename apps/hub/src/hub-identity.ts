import type { Store } from "@canopy/store";
import type { Logger } from "pino";
import { agentsCollection } from "./domain/agents.js";
import type { HubServices } from "./services.js";

const SYSTEM = "system";
const REASON = "the hub's identity was replaced (--new-identity)";

/** Agents paired and not revoked: each pinned the hub's public key when it paired. */
export function pairedAgentCount(store: Store): number {
  return agentsCollection(store).filter((agent) => agent.revokedAt === null).length;
}

/**
 * After `--new-identity` replaced a lost key: the agents that pinned the old one can never shake
 * hands again, so they are revoked (their tenants show as unpaired, ready to pair again) and the
 * replacement is audited, once for the hub and once per tenant. Durable before the hub serves.
 */
export async function retireLostIdentity(services: HubServices, keyFile: string, logger: Logger): Promise<void> {
  const retired = [...services.agents.activeByTenant().values()];
  for (const agent of retired) {
    services.agents.revoke(agent.id, SYSTEM, REASON);
    services.audit.record({ actor: SYSTEM, action: "tenant.unpair", target: `tenant:${agent.tenantId}`, detail: { agentId: agent.id, reason: REASON } });
  }
  services.audit.record({ actor: SYSTEM, action: "hub.identity.replace", target: null, detail: { keyFile, agentsRevoked: retired.length } });
  await services.store.flush();
  logger.warn({ keyFile, agentsRevoked: retired.length }, "made a new hub identity; every agent paired before must pair again");
}
