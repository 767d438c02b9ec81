import { pairAgent } from "@canopy/agent";
import type { Insight } from "@canopy/protocol";
import { RawAgent, readAgentCredentials, wireInsight, type AgentCredentials, type Scenario } from "@canopy/test-e2e/harness";

/** A tenant paired for real whose agent never runs: the attacker speaks for it over raw sockets. */
export interface AttackerIdentity extends AgentCredentials {
  tenantName: string;
  dataDir: string;
}

/** Creates a tenant and pairs an identity for it the way the CLI does (`pairAgent`, in this process). */
export async function pairAttacker(scenario: Scenario, name: string): Promise<AttackerIdentity> {
  const tenant = await scenario.api.createTenant(name);
  const { code } = await scenario.api.pairingCode(tenant.id);
  const dataDir = scenario.dir("attacker");
  await pairAgent({ hubUrl: scenario.hub.url, code, dataDir });
  return { ...(await readAgentCredentials(dataDir)), tenantName: name, dataDir };
}

/** A raw connection that completed the handshake as `identity` (welcome received). */
export async function connectAs(hubUrl: string, identity: AgentCredentials): Promise<RawAgent> {
  const raw = await RawAgent.connect(hubUrl, identity.hubPublicKey);
  await raw.hello(identity.agentId, identity.privateKeyPem);
  await raw.next("welcome");
  return raw;
}

/** Resolves with the close, or with `null` when the socket is still open after `timeoutMs`. */
export function closedWithin(raw: RawAgent, timeoutMs: number): Promise<{ code: number; reason: string } | null> {
  return Promise.race([raw.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref())]);
}

/** A valid insight as an agent would send it (dates as Dates: the codec carries them). */
export function attackInsight(id: string, title: string, revision = 1): Insight {
  return wireInsight(id, title, { source: "r5", revision });
}
