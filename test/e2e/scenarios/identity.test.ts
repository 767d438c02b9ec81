import { generateKeyPair } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent, readAgentCredentials } from "../harness/raw-agent.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";

describe("identity comes from the key, not the payload", () => {
  let scenario: Scenario;
  let alice: PairedAgent;
  let bob: PairedAgent;
  beforeAll(async () => {
    scenario = await Scenario.start();
    alice = await scenario.addAgent("Alice Tenant", "in-process");
    bob = await scenario.addAgent("Bob Tenant", "in-process");
    await bob.agent!.stop();
    await scenario.api.waitForStatus(bob.tenant.id, "offline");
  });
  afterAll(() => scenario?.close());

  it("an agent cannot claim another tenant's agent id with its own key", async () => {
    const mine = await readAgentCredentials(alice.dataDir);
    const theirs = await readAgentCredentials(bob.dataDir);
    const raw = await RawAgent.connect(scenario.hub.url, mine.hubPublicKey);
    await raw.hello(theirs.agentId, mine.privateKeyPem);
    expect((await raw.closed).code).toBe(4001);
    expect(raw.received.some((m) => m.type === "welcome")).toBe(false);
    expect((await scenario.api.getTenant(bob.tenant.id)).status).toBe("offline");
  });

  it("a key the hub never paired is refused", async () => {
    const mine = await readAgentCredentials(alice.dataDir);
    const raw = await RawAgent.connect(scenario.hub.url, mine.hubPublicKey);
    await raw.hello(mine.agentId, generateKeyPair().privateKeyPem);
    expect((await raw.closed).code).toBe(4001);
  });

  it("the welcome names the tenant the key belongs to, whatever the hello says", async () => {
    const theirs = await readAgentCredentials(bob.dataDir);
    const raw = await RawAgent.connect(scenario.hub.url, theirs.hubPublicKey);
    const challenge = await raw.next("hello.challenge");
    const { signHello, loadPrivateKey, encodeMessage } = await import("@canopy/protocol");
    raw.sendRaw(
      encodeMessage({
        type: "hello",
        agentId: theirs.agentId,
        signature: signHello(loadPrivateKey(theirs.privateKeyPem), challenge.nonce, theirs.agentId),
        agentVersion: "0.0.0-e2e",
        hostname: "raw",
        platform: "linux",
        capabilities: [],
        tenantId: alice.tenant.id,
      }),
    );
    const welcome = await raw.next("welcome");
    expect(welcome.tenantId).toBe(bob.tenant.id);
    await scenario.api.waitForStatus(bob.tenant.id, "online");
    expect((await scenario.api.getTenant(alice.tenant.id)).status).toBe("online");
    raw.close();
  });
});
