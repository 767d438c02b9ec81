import type { PairErrorCode, PairRequest, PairResponse } from "@canopy/protocol";
import { ProblemError } from "../core/problem-error.js";
import { newAgent, revokedAgent } from "./agents.js";
import type { AgentRecord, TenantRecord } from "./records.js";
import type { HubServices } from "../services.js";

const pairFailures: Record<Exclude<PairErrorCode, "invalid_request">, { status: number; detail: string }> = {
  pairing_code_invalid: { status: 400, detail: "pairing code is not valid" },
  pairing_code_expired: { status: 410, detail: "pairing code has expired" },
  pairing_code_used: { status: 409, detail: "pairing code was already used" },
  rate_limited: { status: 429, detail: "too many attempts, try again later" },
};

function pairProblem(code: Exclude<PairErrorCode, "invalid_request">, headers: Record<string, string> = {}): ProblemError {
  const { status, detail } = pairFailures[code];
  return new ProblemError(status, code, detail, { headers });
}

type PairOutcome =
  | { refused: Exclude<PairErrorCode, "invalid_request" | "rate_limited"> | "tenant deleted" }
  | { agent: AgentRecord; tenant: TenantRecord; previous: AgentRecord | undefined };

/**
 * Exchanges a one-time code for an agent identity bound to the agent's public key. Each attempt
 * takes a unit of the pairing budgets (host, network, hub) before the code is checked and gives
 * it back only if it pairs; a wrong, used or expired code, or one whose tenant is gone, keeps it.
 * A tenant keeps one active agent, so a previous one is revoked (and disconnected with 4003)
 * once the new pairing is on disk.
 */
export async function pairAgent(hub: HubServices, request: PairRequest, clientAddress: string): Promise<PairResponse> {
  const attempt = await hub.limits.pairing.acquire(clientAddress);
  if (!attempt.ok) throw pairProblem("rate_limited", { "Retry-After": String(Math.ceil(attempt.retryAfterMs / 1000)) });
  try {
    return await pair(hub, request, clientAddress, attempt.release);
  } finally {
    attempt.end();
  }
}

async function pair(hub: HubServices, request: PairRequest, clientAddress: string, goodCode: () => void): Promise<PairResponse> {
  const outcome = await hub.data.write(async (tx): Promise<PairOutcome> => {
    const check = await hub.pairing.check(tx, request.code);
    const tenant = check.ok ? await tx.tenants.get(check.record.tenantId) : undefined;
    if (!check.ok) return { refused: check.reason };
    if (!tenant) return { refused: "tenant deleted" };
    // Claimed before anything is written: of two pairings racing with one code, one deletes it.
    if (!(await tx.pairingCodes.delete(check.record.id))) return { refused: "pairing_code_used" };
    // A good code gives its unit of the pairing budgets back (a refused write later is no guess).
    goodCode();

    const previous = await tx.agents.activeFor(tenant.id);
    const agent = newAgent(
      {
        tenantId: tenant.id,
        publicKey: request.publicKey,
        hostname: request.hostname,
        platform: request.platform,
        agentVersion: request.agentVersion,
        pairingCode: check.record.id,
      },
      hub.clock,
    );
    const actor = `agent:${agent.id}`;
    // The old agent first: a tenant has one active agent at a time.
    if (previous) await tx.agents.update(revokedAgent(previous, actor, "replaced by a newly paired agent", hub.clock));
    await tx.agents.insert(agent);
    await tx.audit.record({
      actor,
      action: "agent.pair",
      target: `tenant:${tenant.id}`,
      detail: {
        agentId: agent.id,
        hostname: agent.hostname,
        platform: agent.platform,
        agentVersion: agent.agentVersion,
        clientAddress,
        ...(previous ? { replacedAgentId: previous.id } : {}),
      },
    });
    return { agent, tenant, previous };
  });
  if ("refused" in outcome) {
    hub.logger.warn({ clientAddress, reason: outcome.refused }, "pairing attempt refused");
    throw pairProblem(outcome.refused === "tenant deleted" ? "pairing_code_invalid" : outcome.refused);
  }
  const { agent, tenant, previous } = outcome;

  if (previous) hub.gateway.disconnectRevoked(previous.id, "replaced by a newly paired agent");
  hub.logger.info({ agentId: agent.id, tenantId: tenant.id, hostname: agent.hostname }, "agent paired");
  hub.publishTenant(tenant.id);
  return { agentId: agent.id, tenantId: tenant.id, tenantName: tenant.name, hubPublicKey: hub.hubKey.publicKey };
}
