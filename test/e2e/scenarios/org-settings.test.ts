import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ApiError, type Tenant } from "../harness/api-client.js";
import { hubInsightId, importInsights, insightLines, listAllInsights, waitForInsightTotal, writeNdjson } from "../harness/insights.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { heldContent } from "../harness/content.js";
import { sigmaFiles } from "@canopy/shared-data";

const PASSWORD = "customer password 1";

/** Signs in as a user of `orgId` with `roles`, invited by the admin and accepting the link as the user would. */
async function userOf(scenario: Scenario, orgId: string, roles: string[]): Promise<ApiClient> {
  const email = `user-${orgId}@example.com`.toLowerCase();
  const invited = await scenario.api.request<{ inviteUrl: string }>("POST", "/users", { email, orgId, roles });
  const token = new URL(invited.inviteUrl).hash.replace("#token=", "");
  const accepted = await fetch(new URL("/api/v1/auth/accept", scenario.hub.url), {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(scenario.hub.url).origin },
    body: JSON.stringify({ token, password: PASSWORD }),
  });
  expect(accepted.status).toBe(200);
  return ApiClient.login(scenario.hub.url, email, PASSWORD);
}

async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/**
 * Issue 12 item 6, the settings that close a customer to its parents, with real agents: with
 * `searchableFromParent` off its insights leave the parents' federated list (its own users still
 * see them); with `accessibleByParent` off its parents' users cannot Connect to it or write
 * insight changes back, and still see its status.
 */
describe("a customer's settings close it to its parent organizations", () => {
  let scenario: Scenario;
  let msp: Tenant;
  let closed: PairedAgent;
  let open: PairedAgent;
  let mspStaff: ApiClient;
  let customerStaff: ApiClient;

  beforeAll(async () => {
    scenario = await Scenario.start();
    msp = await scenario.api.request<Tenant>("POST", "/tenants", { name: "Child MSP", capabilities: [{ name: "msp" }, { name: "siem" }, { name: "soar" }] });
    closed = await scenario.addAgent("Private Customer", "process", {}, { parentId: msp.id });
    open = await scenario.addAgent("Open Customer", "process", {}, { parentId: msp.id });
    for (const agent of [closed, open]) await scenario.api.waitForStatus(agent.tenant.id, "online");
    for (const [agent, prefix] of [[closed, "private"], [open, "open"]] as const) {
      await importInsights(agent.dataDir, await writeNdjson(`${agent.dataDir}/insights.ndjson`, insightLines(prefix, 3)));
    }
    await waitForInsightTotal(scenario.api, 6);
    mspStaff = await userOf(scenario, msp.id, ["Manage organization"]);
    customerStaff = await userOf(scenario, closed.tenant.id, ["Manage organization"]);
  }, 120_000);
  afterAll(() => scenario?.close());

  it("searchable off: the customer's insights leave the parents' list, and stay in its own", async () => {
    expect((await listAllInsights(mspStaff)).length).toBe(6);
    await scenario.api.request("PATCH", `/tenants/${closed.tenant.id}/settings`, { searchableFromParent: false });
    const tenantsOf = async (api: ApiClient) => [...new Set((await listAllInsights(api)).map((i) => i.tenantId))].sort();
    expect(await tenantsOf(mspStaff)).toEqual([open.tenant.id]);
    expect(await tenantsOf(scenario.api)).toEqual([open.tenant.id]);
    expect(await tenantsOf(customerStaff)).toEqual([closed.tenant.id]);
    // Asked for by id, it is as absent as an insight that never was.
    const hidden = hubInsightId(closed.tenant.id, "private-0000");
    expect((await refusal(mspStaff.request("GET", `/insights/${encodeURIComponent(hidden)}`))).status).toBe(404);
    await scenario.api.request("PATCH", `/tenants/${closed.tenant.id}/settings`, { searchableFromParent: true });
    expect(await tenantsOf(mspStaff)).toEqual([closed.tenant.id, open.tenant.id].sort());
  });

  it("accessible off: parents' users cannot Connect or write back, still see its status; its own users can", async () => {
    await scenario.api.request("PATCH", `/tenants/${closed.tenant.id}/settings`, { accessibleByParent: false });
    const [insight] = (await listAllInsights(customerStaff)).filter((i) => i.tenantId === closed.tenant.id);
    for (const api of [mspStaff, scenario.api]) {
      const connect = await refusal(api.request("GET", `/tenants/${closed.tenant.id}/connect`));
      expect(connect.status).toBe(403);
      expect((connect.body as { detail: string }).detail).toMatch(/"Private Customer" does not let users of its parent organizations connect to it/);
      expect((await refusal(api.request("PATCH", `/insights/${encodeURIComponent(insight!.id)}`, { status: "closed" }))).status).toBe(403);
      expect((await refusal(api.request("POST", "/insights/bulk", { ids: [insight!.id], status: "closed" }))).status).toBe(403);
      expect((await api.request<Tenant>("GET", `/tenants/${closed.tenant.id}`)).status).toBe("online");
    }
    // The customer's own staff connect and triage as before; the open sibling is untouched for the MSP.
    expect(await customerStaff.request("GET", `/tenants/${closed.tenant.id}/connect`)).toBeTruthy();
    expect((await customerStaff.request<{ status: string }>("PATCH", `/insights/${encodeURIComponent(insight!.id)}`, { status: "in_progress" })).status).toBeDefined();
    expect(await mspStaff.request("GET", `/tenants/${open.tenant.id}/connect`)).toBeTruthy();
  });

  it("a security account turns SIEM on for the accounts it chooses, and leaves it off for the MSP's other customers", async () => {
    const tenantsOf = async (api: ApiClient) => [...new Set((await listAllInsights(api)).map((i) => i.tenantId))].sort();
    expect(await tenantsOf(mspStaff)).toEqual([closed.tenant.id, open.tenant.id].sort());
    // Only the MSP itself and its customers can be chosen.
    const outside = await scenario.api.request<Tenant>("POST", "/tenants", { name: "Elsewhere" });
    const wrong = await refusal(scenario.api.request("PATCH", `/tenants/${msp.id}/settings`, { securityAccount: { name: "North SOC", enabledFor: [outside.id] } }));
    expect(wrong.status).toBe(422);
    expect((wrong.body as { errors: unknown[] }).errors).toEqual([{ path: "securityAccount.enabledFor.0", message: '"Elsewhere" is not this organization or one of its customers' }]);

    await scenario.api.request("PATCH", `/tenants/${msp.id}/settings`, { securityAccount: { name: "North SOC", enabledFor: [msp.id, open.tenant.id] } });
    // The customer left out contributes no insights, to its parents or to its own users.
    expect(await tenantsOf(mspStaff)).toEqual([open.tenant.id]);
    expect(await tenantsOf(scenario.api)).toEqual([open.tenant.id]);
    expect(await tenantsOf(customerStaff)).toEqual([]);
    // A SIEM rule reaches the chosen customer and is refused for the other, with the reason.
    const imported = await scenario.api.importContent({ files: sigmaFiles(1) });
    const [rule] = [...imported.created, ...imported.updated];
    const { id } = await scenario.api.push({ items: [{ kind: "siem-rules", id: rule!.id }], targets: { tenants: [closed.tenant.id, open.tenant.id] } });
    const push = await scenario.api.waitForPush(id);
    const resultOf = (tenantId: string) => push.results.find((r) => r.tenantId === tenantId)!;
    expect(resultOf(open.tenant.id).status).toBe("applied");
    expect(resultOf(closed.tenant.id)).toMatchObject({ status: "failed" });
    expect(resultOf(closed.tenant.id).error).toMatch(/the SIEM features of "Private Customer" are off: the security account "North SOC" does not choose it/);
    expect((await heldContent(open.dataDir)).filter((c) => c.kind === "siem-rule")).toHaveLength(1);
    expect((await heldContent(closed.dataDir)).filter((c) => c.kind === "siem-rule")).toHaveLength(0);

    // No security account: SIEM follows the capability again.
    await scenario.api.request("PATCH", `/tenants/${msp.id}/settings`, { securityAccount: null });
    expect(await tenantsOf(mspStaff)).toEqual([closed.tenant.id, open.tenant.id].sort());
  });
});
