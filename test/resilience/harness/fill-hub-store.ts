import { join } from "node:path";
import { customField, importInsights, insightLines, patchInsight, waitFor, waitForInsightTotal, writeNdjson, type ApiClient } from "@canopy/test-e2e/harness";
import { attackInsight, connectAs, type AttackerIdentity } from "./attackers.js";

/** The collections a hub keeps (apps/hub/README.md "Data dir"); partitioned ones by their prefix. */
export const HUB_COLLECTIONS = [
  "users",
  "roles",
  "invites",
  "sessions",
  "api-keys",
  "tenants.*",
  "agents.*",
  "pairing-codes",
  "meta",
  "audit.*",
  "content.*",
  "content-revisions.*",
  "pushes",
  "push-plan.*",
  "push-results.*",
  "desired.*",
  "reported.*",
  "dashboards",
  "saved-searches",
  "insights.*",
  "insight-updates",
  "insight-update-errors",
  "tenant-settings.*",
  "insight-usage.*",
] as const;

/** Which of HUB_COLLECTIONS a store file (`tenants.17.json`, `audit.2030-01-15.json`) belongs to. */
export function collectionOf(file: string): string | undefined {
  const name = file.replace(/\.json$/, "");
  return HUB_COLLECTIONS.find((c) => (c.endsWith(".*") ? name.startsWith(c.slice(0, -1)) : name === c));
}

export interface FilledHub {
  /** The tenant whose real agent (`canopy-agent run`) applied the push and holds the insights. */
  tenantId: string;
  fieldId: string;
  pushId: string;
}

/**
 * Puts at least one document into every collection the hub keeps, the way users and agents do it
 * (never by writing files): the admin's session and API key, a custom role, an invited user, a
 * tenant's settings (and, with its insights, its daily usage), tenants (one edited, so its file has
 * a last good copy), an outstanding pairing code, content with two revisions, a push the agent
 * applied, a dashboard, a saved search, the agent's insights, and for `raw`'s tenant (spoken for over a raw
 * socket) a board change it refused and one still on its way (asked once it is gone).
 */
export async function fillEveryCollection(options: {
  api: ApiClient;
  hubUrl: string;
  tenantId: string;
  agentDataDir: string;
  raw: AttackerIdentity;
}): Promise<FilledHub> {
  const { api, tenantId } = options;
  await api.request("POST", "/api-keys", { name: "r6 script" });
  await api.request("POST", "/roles", { name: "R6 night shift", permissions: ["insights.triage"] });
  await api.request("POST", "/users", { email: "r6.invited@example.com", roles: ["Analyst"] });
  await api.request("PATCH", `/tenants/${tenantId}/settings`, { retentionDays: 400 });
  await api.request("PATCH", `/tenants/${tenantId}`, { description: "edited, so its tenants shard has a last good copy" });
  await api.pairingCode((await api.createTenant("R6 Waiting To Pair")).id);
  const field = await api.createContent("custom-fields", customField("R6 Tier"));
  await api.updateContent("custom-fields", field.id, customField("R6 Tier", { options: ["low", "medium", "high"] }));
  const push = await api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [tenantId] } });
  await api.waitForPush(push.id);
  await api.request("GET", "/dashboards");
  await api.request("POST", "/saved-searches", { name: "R6 open criticals", query: "severity=critical&status=new", shared: true });

  const lines = insightLines("r6", 4);
  await importInsights(options.agentDataDir, await writeNdjson(join(options.agentDataDir, "r6-insights.ndjson"), lines));
  await waitForInsightTotal(api, lines.length, { tenantId });

  // A board change refused by its agent (kept as the insight's update error).
  const raw = await connectAs(options.hubUrl, options.raw);
  raw.send({ type: "insights.upsert", seq: 1, insights: [attackInsight("r6-locked", "Locked on the tenant"), attackInsight("r6-waiting", "Waiting for its agent")] });
  await raw.next("insights.ack");
  await patchInsight(api, `${options.raw.tenantId}~r6-locked`, { assignee: "ana" });
  const update = await raw.next("insight.update");
  raw.send({ type: "insight.update.ack", results: update.updates.map((u) => ({ updateId: u.updateId, ok: false, error: "locked by the tenant's SIEM" })) });
  await waitFor("the refusal kept on the hub", async () => (await api.request<{ updateError: unknown }>("GET", `/insights/${options.raw.tenantId}~r6-locked`)).updateError);
  raw.close();
  await raw.closed;

  // A board change still on its way: asked while that tenant's agent is away.
  await api.waitForStatus(options.raw.tenantId, "offline");
  await patchInsight(api, `${options.raw.tenantId}~r6-waiting`, { comment: "looking into it" });
  return { tenantId, fieldId: field.id, pushId: push.id };
}
