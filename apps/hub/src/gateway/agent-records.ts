import type { Clock } from "../core/clock.js";
import { revokedAgent } from "../domain/agents.js";
import type { HubData } from "../domain/hub-data.js";

/**
 * What a session writes about its agent's record, apart from the protocol it speaks: the agent
 * unpairing itself (when it was last seen: last-seen.ts).
 */

/** The agent asked to be unpaired: revoked and audited in one unit of work (nothing, if it already was). */
export async function revokeAtAgentsRequest(data: HubData, clock: Clock, ids: { agentId: string; tenantId: string }, reason: string): Promise<void> {
  const actor = `agent:${ids.agentId}`;
  await data.write(async (tx) => {
    const agent = await tx.agents.getForUpdate(ids.agentId);
    if (!agent || agent.revokedAt !== null) return;
    await tx.agents.update(revokedAgent(agent, actor, reason, clock));
    await tx.audit.record({ actor, action: "agent.unpair", target: `tenant:${ids.tenantId}`, detail: { agentId: ids.agentId, reason } });
  });
}

