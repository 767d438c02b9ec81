import {
  ApiKeyCreatedSchema,
  ApiKeyListSchema,
  AuditListSchema,
  ConnectResultSchema,
  LoginResultSchema,
  MeSchema,
  PairingCodeSchema,
  PingResultSchema,
  ProblemSchema,
  TenantListSchema,
  TenantSchema,
} from "@canopy/api";
import type { SystemInfo } from "@canopy/protocol";
import type { z } from "@hono/zod-openapi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../test/fake-agent.js";
import { ADMIN, Caller, createTestHub, login, type ApiResponse, type TestHub } from "../../test/helpers.js";

/** Parsing drops unknown keys at every depth, so equality means: valid, and nothing extra. */
function expectExactly(schema: z.ZodType, response: ApiResponse) {
  const result = schema.safeParse(response.body);
  expect(result.error?.issues ?? []).toEqual([]);
  expect(result.data).toEqual(response.body);
}

/** The hub's answers against the schemas @canopy/api publishes (and the web UI is typed with). */
describe("HTTP answers match @canopy/api", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub({ rpcTimeoutMs: 1000 });
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  it("a tenant through its life: unpaired, online (ping, connect), offline, unpaired again", async () => {
    const created = await admin.post("/tenants", { name: "Acme", tags: ["eu"], description: "rockets" });
    expect(created.status).toBe(201);
    expectExactly(TenantSchema, created);
    const id: string = created.body.id;

    const pairing = await admin.post(`/tenants/${id}/pairing-codes`, { ttlSeconds: 60 });
    expectExactly(PairingCodeSchema, pairing);

    const identity = await pairThroughApi(t.hub, admin, id);
    const agent = new FakeAgent(await t.hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    const online = await admin.get(`/tenants/${id}`);
    expect(online.body.status).toBe("online");
    expectExactly(TenantSchema, online);
    expectExactly(TenantListSchema, await admin.get("/tenants"));

    const ping = admin.post(`/tenants/${id}/ping`);
    agent.send({ type: "pong", id: (await agent.connection.next("ping")).id });
    expectExactly(PingResultSchema, await ping);

    const info: SystemInfo = {
      hostname: "edge-01",
      platform: "linux",
      arch: "x64",
      osRelease: "6.1",
      agentVersion: "1.2.3",
      nodeVersion: "v20.20.0",
      pid: 4242,
      startedAt: new Date("2030-01-01T00:00:00Z"),
      uptimeSec: 12,
      connectedSince: null,
      memoryRssBytes: 1e6,
      holds: { content: [{ kind: "playbook", name: "Isolate", revision: 2, hash: `sha256:${"0f".repeat(32)}` }], insights: { count: 3 } },
    };
    const connect = admin.get(`/tenants/${id}/connect`);
    agent.send({ type: "rpc.res", id: (await agent.connection.next("rpc.req")).id, ok: true, result: info });
    const connected = await connect;
    expect(connected.body.info).toMatchObject({ startedAt: "2030-01-01T00:00:00.000Z", connectedSince: null });
    expectExactly(ConnectResultSchema, connected);

    agent.dropped();
    const offline = await admin.get(`/tenants/${id}`);
    expect(offline.body.status).toBe("offline");
    expectExactly(TenantSchema, offline);

    const unpaired = await admin.post(`/tenants/${id}/unpair`);
    expect(unpaired.body.status).toBe("unpaired");
    expectExactly(TenantSchema, unpaired);
  });

  it("sign-in, API keys, audit and problems", async () => {
    expectExactly(LoginResultSchema, await new Caller(t.hub).post("/api/v1/auth/login", ADMIN));
    expectExactly(MeSchema, await admin.get("/me"));

    const key = await admin.post("/api-keys", { name: "ci", role: "viewer" });
    expectExactly(ApiKeyCreatedSchema, key);
    expectExactly(ApiKeyListSchema, await admin.get("/api-keys"));
    expectExactly(MeSchema, await new Caller(t.hub, { bearer: key.body.key }).get("/me"));

    const invalid = await admin.post("/tenants", { name: "", tags: ["ok", ""] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).toEqual(["name", "tags.1"]);
    expectExactly(ProblemSchema, invalid);
    expectExactly(ProblemSchema, await admin.get("/tenants/tnt_missing000000"));

    expectExactly(AuditListSchema, await admin.get("/audit"));
  });
});
