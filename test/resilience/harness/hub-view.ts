import { listAllInsights, type ApiClient } from "@canopy/test-e2e/harness";

/** What a user of the hub sees, reduced to what must not change behind their back. */
export interface HubView {
  tenants: string[];
  fields: string[];
  pushes: string[];
  insights: string[];
  apiKeys: string[];
}

const items = async <T>(api: ApiClient, path: string): Promise<T[]> => (await api.request<{ items: T[] }>("GET", path)).items;

/**
 * Tenants by name and description, custom fields by name and revision, pushes by id, state and
 * progress, insights by id, status and revision, API keys by name: each list sorted, so two views
 * compare with `toEqual`.
 */
export async function hubView(api: ApiClient): Promise<HubView> {
  const tenants = await api.listTenants();
  const fields = await items<{ name: string; revision: number }>(api, "/content/custom-fields?limit=200");
  const pushes = await items<{ id: string; state: string; progress: { applied: number; pending: number; failed: number } }>(api, "/pushes?limit=200");
  const insights = await listAllInsights(api, { limit: 200 });
  const apiKeys = await items<{ name: string }>(api, "/api-keys?limit=200");
  return {
    tenants: tenants.map((t) => `${t.name} — ${t.description}`).sort(),
    fields: fields.map((f) => `${f.name} r${f.revision}`).sort(),
    pushes: pushes.map((p) => `${p.id} ${p.state} applied ${p.progress.applied} failed ${p.progress.failed} pending ${p.progress.pending}`).sort(),
    insights: insights.map((i) => `${i.id} ${i.status} r${i.revision}`).sort(),
    apiKeys: apiKeys.map((k) => k.name).sort(),
  };
}
