import type { PairErrorCode, PairRequest, PairResponse } from "@canopy/protocol";
import { ProblemError } from "../core/problem-error.js";
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

/**
 * Exchanges a one-time code for an agent identity bound to the agent's public key. Each attempt
 * takes a unit of the pairing budgets (host, network, hub) before the code is checked and gives
 * it back only if it pairs; a wrong, used or expired code, or one whose tenant is gone, keeps it.
 * A tenant keeps one active agent, so a previous one is revoked (and disconnected with 4003)
 * once the new pairing is on disk.
 */
export async function pairAgent(hub: HubServices, request: PairRequest, clientAddress: string): Promise<PairResponse> {
  const attempt = hub.limits.pairing.reserve(clientAddress);
  if (!attempt.ok) throw pairProblem("rate_limited", { "Retry-After": String(Math.ceil(attempt.retryAfterMs / 1000)) });

  const check = hub.pairingCodes.check(request.code);
  const tenant = check.ok ? hub.tenants.get(check.record.tenantId) : undefined;
  if (!check.ok || !tenant) {
    hub.logger.warn({ clientAddress, reason: check.ok ? "tenant deleted" : check.reason }, "pairing attempt refused");
    throw pairProblem(check.ok ? "pairing_code_invalid" : check.reason);
  }

  attempt.release();
  const previous = hub.agents.activeFor(tenant.id);
  const agent = hub.agents.create({
    tenantId: tenant.id,
    publicKey: request.publicKey,
    hostname: request.hostname,
    platform: request.platform,
    agentVersion: request.agentVersion,
    pairingCode: check.record.id,
  });
  const actor = `agent:${agent.id}`;
  if (previous) hub.agents.revoke(previous.id, actor, "replaced by a newly paired agent");
  hub.pairingCodes.use(check.record.id);
  hub.audit.record({
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
  await hub.store.flush();

  if (previous) hub.gateway.disconnectRevoked(previous.id, "replaced by a newly paired agent");
  hub.logger.info({ agentId: agent.id, tenantId: tenant.id, hostname: agent.hostname }, "agent paired");
  hub.publishTenant(tenant.id);
  return { agentId: agent.id, tenantId: tenant.id, tenantName: tenant.name, hubPublicKey: hub.hubKey.publicKey };
}
