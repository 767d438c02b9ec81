import type { HubMessage, InsightUpdateResult } from "@canopy/protocol";
import type { Hub } from "../src/hub.js";
import { GatewayContentAgent } from "./gateway-content-agent.js";
import { login, untilLive } from "./helpers.js";
import { makeInsight, seededRandom } from "./insight-fixtures.js";

/**
 * Puts at least one document into every collection the hub keeps (but the names older versions
 * wrote whole), through the real API and
 * gateway (never by writing files): users, custom roles, invitations, sessions, api keys, tenants, pairing codes, agents,
 * audit and its months, content and revisions, a push (plan, results, desired), what the agent
 * reported, a dashboard, a saved search, tenant settings, insights (and their daily usage), a pending board change
 * and a refused one.
 */
export async function fillEveryCollection(hub: Hub): Promise<void> {
  const admin = await login(hub);
  const ok = <T extends { status: number }>(res: T, what: string): T => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res)}`);
    return res;
  };
  ok(await admin.post("/api-keys", { name: "ci" }), "api key");
  ok(await admin.post("/roles", { name: "Night shift", permissions: ["insights.triage"] }), "custom role");
  ok(await admin.post("/users", { email: "new.analyst@example.com", roles: ["Analyst"] }), "invited user");
  const tenant = ok(await admin.post("/tenants", { name: "Acme", tags: ["eu"] }), "tenant").body;
  ok(await admin.patch(`/tenants/${tenant.id}`, { description: "second write, so tenants.json has a .bak" }), "tenant edit");
  const field = ok(await admin.post("/content/custom-fields", { name: "Tier", type: "select", appliesTo: "incident", options: ["a", "b"] }), "field").body;
  ok(await admin.get("/dashboards"), "dashboards");
  ok(await admin.post("/saved-searches", { name: "Open criticals", query: "severity=critical&status=new", shared: true }), "saved search");
  ok(await admin.patch(`/tenants/${tenant.id}/settings`, { utilizationMetrics: true }), "tenant settings");

  const agent = await GatewayContentAgent.connect(hub, admin, tenant.id);
  // A code that paired is deleted: one more, left unused, so the pairing codes have a file.
  ok(await admin.post(`/tenants/${tenant.id}/pairing-codes`, {}), "pairing code");
  ok(await admin.post("/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [tenant.id] } }), "push");
  await agent.agent.connection.until("a content batch to acknowledge", () => (agent.ackAll() > 0 ? true : undefined));
  await untilLive(hub, "the push to complete", async () => ((await admin.get("/pushes")).body.items[0]?.state === "completed" ? true : undefined));

  const random = seededRandom(11);
  agent.agent.send({ type: "insights.upsert", seq: 1, insights: [makeInsight(random, 1), makeInsight(random, 2)] });
  await agent.agent.connection.next("insights.ack");
  // One board change the agent refuses (an update error), one it has not answered yet (pending).
  ok(await admin.patch(`/insights/${tenant.id}~ins-000002`, { assignee: "ana" }), "refused change");
  const refused = await agent.agent.connection.next("insight.update");
  const results: InsightUpdateResult[] = refused.updates.map((u: HubMessage<"insight.update">["updates"][number]) => ({ updateId: u.updateId, ok: false, error: "locked" }));
  agent.agent.send({ type: "insight.update.ack", results });
  await untilLive(hub, "the refused board change", async () => ((await admin.get(`/insights/${tenant.id}~ins-000002`)).body.updateError ? true : undefined));
  ok(await admin.patch(`/insights/${tenant.id}~ins-000001`, { comment: "looking into it" }), "pending change");
  await (await hub.services()).store.flush();
}
