import { describe, expect, it, vi } from "vitest";
import type * as Api from "$lib/api";
import type { Push, Tenant } from "$lib/api";

const finished: Push = {
  id: "psh_1",
  type: "push",
  state: "completed",
  createdBy: "admin@mssp.example",
  createdAt: "2030-01-05T10:00:00.000Z",
  finishedAt: "2030-01-05T10:00:02.000Z",
  stoppedBy: null,
  title: "Tier",
  kinds: ["custom-field"],
  itemCount: 1,
  tenantCount: 1,
  targets: { tenants: ["tnt_acme"] },
  options: {},
  progress: { total: 1, applied: 1, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 0 },
  items: [{ kind: "custom-field", id: "cnt_1", name: "Tier", revision: 2 }],
  results: [{ tenantId: "tnt_acme", kind: "custom-field", name: "Tier", status: "applied" }],
};

const acme: Tenant = {
  id: "tnt_acme",
  name: "Acme Corp",
  description: "",
  tags: [],
  parentId: null,
  status: "online",
  lastSeenAt: null,
  agentVersion: null,
  rttMs: null,
  hostname: null,
  pairedAt: null,
  createdAt: "2030-01-01T00:00:00.000Z",
  updatedAt: "2030-01-01T00:00:00.000Z",
};

vi.mock("$lib/api", async (importOriginal) => {
  const api = await importOriginal<typeof Api>();
  return { ...api, pushesApi: { ...api.pushesApi, getPush: vi.fn(async () => structuredClone(finished)) } };
});

const { tenants } = await import("$lib/state/tenants.svelte");
const { PushTracker } = await import("./push-tracker.svelte");

describe("PushTracker", () => {
  it("names a finished push's tenants once the tenant list arrives after the push (a page opened by its address)", async () => {
    const tracker = new PushTracker(finished.id);
    await tracker.reload();
    // The tenant list is not there yet: the id stands in for the name.
    expect(tracker.push?.results.map((r) => r.tenantName)).toEqual(["tnt_acme"]);
    // A finished push is never loaded again, so the name must follow the tenant list by itself.
    tenants.upsert(acme);
    expect(tracker.push?.results.map((r) => [r.tenantName, r.revision])).toEqual([["Acme Corp", 2]]);
    tracker.stop();
  });
});
