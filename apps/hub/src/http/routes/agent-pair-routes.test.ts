import { generateKeyPair } from "@canopy/protocol";
import { ShardedCollection } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addUser, createTestHub, login, manualClock, type Caller, type TestHub } from "../../../test/helpers.js";
import { AGENT_SHARDS, TENANT_SHARDS } from "../../domain/records.js";

function pairBody(code: string) {
  return { code, publicKey: generateKeyPair().publicKey, hostname: "edge-01", agentVersion: "0.1.0", platform: "linux" };
}

describe("pairing codes and agent pairing", () => {
  let t: TestHub;
  let admin: Caller;
  let tenantId: string;
  const clock = manualClock();
  beforeEach(async () => {
    t = await createTestHub({ clock });
    admin = await login(t.hub);
    tenantId = (await admin.post("/tenants", { name: "Acme" })).body.id;
  });
  afterEach(() => t.hub.close());

  it("creates a typeable code with its expiry and the exact command to run", async () => {
    const res = await admin.post(`/tenants/${tenantId}/pairing-codes`, {});
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(Date.parse(res.body.expiresAt) - clock()).toBe(900_000);
    expect(res.body.command).toBe(`canopy-agent pair --hub http://localhost --code ${res.body.code}`);

    const custom = await admin.post(`/tenants/${tenantId}/pairing-codes`, { ttlSeconds: 60 });
    expect(Date.parse(custom.body.expiresAt) - clock()).toBe(60_000);
    expect((await admin.post(`/tenants/${tenantId}/pairing-codes`, { ttlSeconds: 8 * 24 * 3600 })).status).toBe(422);
    expect((await admin.post("/tenants/tnt_missing000000/pairing-codes", {})).status).toBe(404);
  });

  it("keeps only a hash of the code: it appears nowhere in the store", async () => {
    const { code } = (await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body;
    const normalized = code.replace("-", "");
    const names = ["pairing-codes", "meta", "users", "sessions", `audit.${new Date(clock()).toISOString().slice(0, 10)}`];
    const sharded = [new ShardedCollection(t.store, "tenants", TENANT_SHARDS), new ShardedCollection(t.store, "agents", AGENT_SHARDS)];
    const dump = JSON.stringify([...names.map((n) => t.store.collection(n).all()), ...sharded.map((c) => c.all())]);
    expect(dump).toContain("pairing-code.create");
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(normalized);
  });

  it("pairs once: the agent gets its identity and the hub key; the same code then fails as used", async () => {
    const { code } = (await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body;
    const anonymous = admin; // pairing needs no session; the cookie is simply ignored
    const paired = await anonymous.post("/api/v1/agent/pair", pairBody(code.toLowerCase()));
    expect(paired.status).toBe(201);
    expect(paired.body).toEqual({
      agentId: expect.stringMatching(/^agt_/),
      tenantId,
      tenantName: "Acme",
      hubPublicKey: (await t.hub.ready()).hubPublicKey,
    });
    const tenant = (await admin.get(`/tenants/${tenantId}`)).body;
    expect(tenant).toMatchObject({ status: "offline", hostname: "edge-01", agentVersion: "0.1.0" });
    expect(tenant.pairedAt).not.toBeNull();

    const again = await anonymous.post("/api/v1/agent/pair", pairBody(code));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "pairing_code_used", detail: "pairing code was already used" });
    // The used code itself is gone from the store (the agent keeps its id; the audit, the pairing).
    expect(t.store.collection("pairing-codes").size).toBe(0);
    expect((await admin.get(`/audit?target=tenant:${tenantId}`)).body.items.map((e: { action: string }) => e.action)).toEqual(["agent.pair", "pairing-code.create", "tenant.create"]);
  });

  it("sweeps expired codes when a code is made: the collection holds the codes that can still pair", async () => {
    for (let i = 0; i < 5; i++) await admin.post(`/tenants/${tenantId}/pairing-codes`, { ttlSeconds: 60 });
    const codes = t.store.collection("pairing-codes");
    expect(codes.size).toBe(5);
    // Still told "expired" for an hour after.
    clock.advance(60_000 + 59 * 60_000);
    await admin.post(`/tenants/${tenantId}/pairing-codes`, {});
    expect(codes.size).toBe(6);
    clock.advance(2 * 60_000);
    const { code } = (await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body;
    expect(codes.size).toBe(2);
    expect((await admin.post("/api/v1/agent/pair", pairBody(code))).status).toBe(201);
    expect(codes.size).toBe(1);
  });

  it("refuses an expired code", async () => {
    const { code } = (await admin.post(`/tenants/${tenantId}/pairing-codes`, { ttlSeconds: 60 })).body;
    clock.advance(60_001);
    const res = await admin.post("/api/v1/agent/pair", pairBody(code));
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: "pairing_code_expired", detail: "pairing code has expired" });
    expect((await admin.get(`/tenants/${tenantId}`)).body.status).toBe("unpaired");
  });

  it("refuses a wrong code, and a malformed request with 422", async () => {
    const wrong = await admin.post("/api/v1/agent/pair", pairBody("ZZZZ-ZZZZ"));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: "pairing_code_invalid", detail: "pairing code is not valid" });
    const malformed = await admin.post("/api/v1/agent/pair", { code: "ABCD-EFGH", publicKey: "short" });
    expect(malformed.status).toBe(422);
    expect(malformed.body.code).toBe("invalid_request");
  });

  it("rate-limits failed attempts per address: after 10 failures even the right code waits", async () => {
    const { code } = (await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body;
    for (let i = 0; i < 10; i++) expect((await admin.post("/api/v1/agent/pair", pairBody("ZZZZ-ZZZZ"))).status).toBe(400);
    const limited = await admin.post("/api/v1/agent/pair", pairBody(code));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "rate_limited", detail: "too many attempts, try again later" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

    clock.advance(5 * 60_000 + 1);
    expect((await admin.post("/api/v1/agent/pair", pairBody(code))).status).toBe(201);
  });

  it("pairing a second agent revokes the first: a tenant has one active agent", async () => {
    const first = (await admin.post("/api/v1/agent/pair", pairBody((await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body.code))).body;
    const second = (await admin.post("/api/v1/agent/pair", pairBody((await admin.post(`/tenants/${tenantId}/pairing-codes`, {})).body.code))).body;
    const agents = new ShardedCollection<{ id: string; revokedAt: string | null }>(t.store, "agents", AGENT_SHARDS);
    expect(agents.get(first.agentId)?.revokedAt).not.toBeNull();
    expect(agents.get(second.agentId)?.revokedAt).toBeNull();
    const audit = (await admin.get("/audit?action=agent.pair&limit=1")).body.items[0];
    expect(audit).toMatchObject({ actor: `agent:${second.agentId}`, target: `tenant:${tenantId}` });
    expect(audit.detail.replacedAgentId).toBe(first.agentId);
  });

  it("a viewer cannot create pairing codes", async () => {
    const viewerEmail = "viewer@test.local";
    await addUser(t.hub, viewerEmail, "viewer pass", "viewer");
    const viewer = await login(t.hub, viewerEmail, "viewer pass");
    expect((await viewer.post(`/tenants/${tenantId}/pairing-codes`, {})).status).toBe(403);
  });
});
