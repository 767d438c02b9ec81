import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli, spawnAgentRun } from "../harness/agents.js";
import { spawnNode } from "../harness/child.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../harness/hub-process.js";
import { hubStoreEnv } from "../harness/hub-store.js";
import { hubBin } from "../harness/paths.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";

/** `canopy-hub start` on the scenario's data dir, expected to refuse: its exit code and its `error:` lines. */
async function startRefused(scenario: Scenario, extra: string[] = []) {
  const child = spawnNode(hubBin, ["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", scenario.hubDataDir, ...extra], {
    CANOPY_ADMIN_EMAIL: ADMIN_EMAIL,
    CANOPY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...(await hubStoreEnv(scenario.hubDataDir)),
  });
  // A hub that starts anyway is stopped at the deadline, and the test says what it printed.
  const deadline = setTimeout(() => void child.stop(), 20_000);
  const code = await child.exited;
  clearTimeout(deadline);
  return { code, errors: child.stderr().split("\n").filter((line) => line.startsWith("error:")), stdout: child.stdout() };
}

// The hub's key is its identity: every paired agent pinned it. Losing the file must stop the hub
// with a way out, not silently strand every agent.
describe("canopy-hub and a lost or damaged hub-key.pem", () => {
  let scenario: Scenario;
  let acme: PairedAgent;
  let keyFile: string;
  beforeAll(async () => {
    scenario = await Scenario.start();
    acme = await scenario.addAgent("Acme Corp");
    await scenario.api.waitForStatus(acme.tenant.id, "online");
    keyFile = join(scenario.hubDataDir, "hub-key.pem");
  });
  afterAll(() => scenario?.close());

  it("refuses to start when the key is missing while an agent is paired, in one error line naming the file", async () => {
    expect(await scenario.hub.stop()).toBe(0);
    await unlink(keyFile);
    const refused = await startRefused(scenario);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toContain("listening on");
    expect(refused.errors).toEqual([
      `error: ${keyFile} is missing, but 1 agent is paired with this hub's identity: restore the file from a backup, ` +
        "or start once with --new-identity to make a new identity (every paired agent must then pair again)",
    ]);
    // Nothing was made in its place.
    await expect(readFile(keyFile)).rejects.toThrow(/ENOENT/);
  });

  it("starts with --new-identity: the agent's tenant shows unpaired, the change is audited, and a new pairing works", async () => {
    await scenario.startHub({ extraArgs: ["--new-identity"] });
    expect((await scenario.api.getTenant(acme.tenant.id)).status).toBe("unpaired");
    const audit = await scenario.api.request<{ items: { action: string; actor: string; detail: Record<string, unknown> }[] }>(
      "GET",
      "/audit?action=hub.identity.replace",
    );
    expect(audit.items).toEqual([expect.objectContaining({ actor: "system", detail: { keyFile, agentsRevoked: 1 } })]);

    // The way out the message promised: pair the agent again, and it is online under the new key.
    await acme.child!.stop();
    const { code } = await scenario.api.pairingCode(acme.tenant.id);
    const dataDir = scenario.dir("agent-again");
    const paired = await pairWithCli(scenario.hub.url, code, dataDir);
    expect(paired.code).toBe(0);
    scenario.track(spawnAgentRun(dataDir));
    await scenario.api.waitForStatus(acme.tenant.id, "online");
  });

  it("names a truncated key file and says it is not a valid Ed25519 private key in PEM", async () => {
    expect(await scenario.hub.stop()).toBe(0);
    const pem = await readFile(keyFile, "utf8");
    await writeFile(keyFile, pem.slice(0, 50));
    const refused = await startRefused(scenario, ["--new-identity"]);
    expect(refused.code).toBe(1);
    expect(refused.errors).toEqual([
      `error: ${keyFile} is not a valid Ed25519 private key in PEM (it is truncated or damaged and cannot be decoded): ` +
        "restore it from a backup, or move it away and start once with --new-identity (1 agent is paired and must then pair again)",
    ]);
    expect(await readFile(keyFile, "utf8")).toBe(pem.slice(0, 50));
  });
});
