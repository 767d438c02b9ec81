import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli } from "../harness/agents.js";
import { Scenario } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

/** A CLI error a person can read: exactly one line, non-zero exit. */
function expectOneLineError(result: { code: number | string; stderr: string }, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe("pairing with a bad code", () => {
  let scenario: Scenario;
  let tenantId: string;
  beforeAll(async () => {
    scenario = await Scenario.start();
    tenantId = (await scenario.api.createTenant("Pairing Errors Inc")).id;
  });
  afterAll(() => scenario?.close());

  it("refuses a wrong code with a one-line error", async () => {
    const result = await pairWithCli(scenario.hub.url, "ZZZZ-ZZZZ", scenario.dir("agent"));
    expectOneLineError(result, /not valid/i);
    expect((await scenario.api.getTenant(tenantId)).status).toBe("unpaired");
  });

  it("refuses an expired code", async () => {
    const { code, expiresAt } = await scenario.api.pairingCode(tenantId, 1);
    // The shortest TTL is a second of the hub's clock (this machine's): past it, the code is expired.
    await waitFor("the code's expiresAt to pass", () => Date.now() > Date.parse(expiresAt), { timeoutMs: 5000 });
    expectOneLineError(await pairWithCli(scenario.hub.url, code, scenario.dir("agent")), /expired/i);
  });

  it("accepts a code once, then refuses it as used", async () => {
    const { code } = await scenario.api.pairingCode(tenantId);
    const first = await pairWithCli(scenario.hub.url, code, scenario.dir("agent"));
    expect(first.code).toBe(0);
    expectOneLineError(await pairWithCli(scenario.hub.url, code, scenario.dir("agent")), /already used/i);
  });

  it("says so when the hub cannot be reached", async () => {
    const result = await pairWithCli("http://127.0.0.1:1", "ABCD-EFGH", scenario.dir("agent"));
    expectOneLineError(result, /unreachable/i);
  });

  it("refuses malformed input before calling the hub", async () => {
    expectOneLineError(await pairWithCli(scenario.hub.url, "not a code!", scenario.dir("agent")), /code/i);
  });
});
