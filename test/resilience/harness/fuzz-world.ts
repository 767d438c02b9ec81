import { pairAgent } from "@canopy/agent";
import { importPublicKey } from "@canopy/protocol";
import { readAgentCredentials, type Scenario } from "@canopy/test-e2e/harness";
import type { FuzzIdentity } from "./ws-fuzz/fuzz-socket.js";

export interface FuzzTenant extends FuzzIdentity {
  tenantId: string;
}

/**
 * Paired agent identities for the fuzzer: real tenants, paired the way the CLI pairs (`pairAgent`,
 * in this process: no CLI start-up per identity), whose agents never run; the fuzzer speaks for
 * them over raw sockets (the way test/e2e's bad-frames does).
 */
export async function fuzzTenants(scenario: Scenario, count: number): Promise<{ tenants: FuzzTenant[]; hubKey: ReturnType<typeof importPublicKey> }> {
  const tenants: FuzzTenant[] = [];
  let hubPublicKey = "";
  const pair = async (i: number) => {
    const tenant = await scenario.api.createTenant(`R4 Fuzz ${i}`);
    const { code } = await scenario.api.pairingCode(tenant.id);
    const dataDir = scenario.dir("fuzz");
    await pairAgent({ hubUrl: scenario.hub.url, code, dataDir });
    const credentials = await readAgentCredentials(dataDir);
    hubPublicKey = credentials.hubPublicKey;
    tenants[i] = { tenantId: tenant.id, agentId: credentials.agentId, privateKeyPem: credentials.privateKeyPem };
  };
  // A few at a time: one by one, pairing dozens took most of the scenario's setup.
  for (let start = 0; start < count; start += 8) await Promise.all(Array.from({ length: Math.min(8, count - start) }, (_, k) => pair(start + k)));
  return { tenants, hubKey: importPublicKey(hubPublicKey) };
}

// Moved to hub-watch.ts (the watch keeps the count and tail); still exported here for scenarios that import it from here.
export { countHubLog } from "./hub-watch.js";
