import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloseCode, generateKeyPair, loadPrivateKey } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WsAgent } from "../test/ws-agent.js";
import { ADMIN, silentLogger, untilLive } from "../test/helpers.js";
import { createHub, type Hub } from "./hub.js";

/** The public API over real HTTP, as a script or the UI would use it. */
async function staff(url: string) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { cookie, origin: url, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

describe("createHub options", () => {
  it("refuses nonsense settings at once, before starting anything", () => {
    expect(() => createHub({ heartbeatMs: 0, logger: silentLogger })).toThrow(/heartbeatMs/);
    expect(() => createHub({ pairingTtlSeconds: 8 * 24 * 3600, logger: silentLogger })).toThrow(/pairingTtlSeconds/);
    expect(() => createHub({ agentBudgets: { framesPerSecond: 0 }, logger: silentLogger })).toThrow(/agentBudgets.framesPerSecond must be a positive number/);
  });
});

describe("a real hub on a real socket", () => {
  let dataDir: string;
  let hub: Hub | undefined;

  const start = async () => {
    hub = createHub({ dataDir, ...{ adminEmail: ADMIN.email, adminPassword: ADMIN.password }, logger: silentLogger, heartbeatMs: 150, webRoot: join(dataDir, "no-ui") });
    return hub.listen({ port: 0, host: "127.0.0.1" });
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-hub-"));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await hub?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function pairedAgent(url: string, api: Awaited<ReturnType<typeof staff>>, name: string) {
    const tenant = (await api("POST", "/tenants", { name })).body;
    const { code, command } = (await api("POST", `/tenants/${tenant.id}/pairing-codes`, {})).body;
    expect(command).toBe(`canopy-agent pair --hub ${url} --code ${code}`);
    const keys = generateKeyPair();
    const pairRes = await fetch(`${url}/api/v1/agent/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, publicKey: keys.publicKey, hostname: "ws-test-host", agentVersion: "9.9.9-test", platform: "linux" }),
    });
    expect(pairRes.status).toBe(201);
    const paired = (await pairRes.json()) as { agentId: string; hubPublicKey: string };
    return { tenant, ...paired, privateKey: loadPrivateKey(keys.privateKeyPem) };
  }

  it("pairs, shakes hands, answers ping with an RTT, and goes offline when the hub stops", async () => {
    const { url, port } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const api = await staff(url);
    const agent = await pairedAgent(url, api, "Socket Co");
    expect((await stat(join(dataDir, "hub-key.pem"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "db"))).mode & 0o777).toBe(0o700);

    const client = new WsAgent({ hubUrl: url, hubPublicKey: agent.hubPublicKey, agentId: agent.agentId, privateKey: agent.privateKey });
    const welcome = await client.next("welcome");
    expect(welcome).toMatchObject({ agentId: agent.agentId, tenantId: agent.tenant.id, tenantName: "Socket Co", heartbeatMs: 150 });

    const ping = await api("POST", `/tenants/${agent.tenant.id}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({ rttMs: expect.any(Number), agentVersion: "9.9.9-test" });
    expect(ping.body.rttMs).toBeGreaterThanOrEqual(0);
    expect(ping.body.rttMs).toBeLessThan(1000);
    expect((await api("GET", `/tenants/${agent.tenant.id}`)).body).toMatchObject({
      status: "online",
      rttMs: ping.body.rttMs,
      hostname: "ws-test-host",
    });

    await hub!.close();
    expect((await client.closed).code).toBe(CloseCode.goingAway);

    // Same data dir: the hub key and the pairing survived, so the agent gets back in.
    const { url: url2 } = await start();
    const api2 = await staff(url2);
    const offline = (await api2("GET", `/tenants/${agent.tenant.id}`)).body;
    expect(offline.status).toBe("offline");
    expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
    const again = new WsAgent({ hubUrl: url2, hubPublicKey: agent.hubPublicKey, agentId: agent.agentId, privateKey: agent.privateKey });
    await again.next("welcome");
    expect((await api2("GET", `/tenants/${agent.tenant.id}`)).body.status).toBe("online");
    again.close();
    await untilLive(hub!, "offline after a clean close", async () =>
      (await api2("GET", `/tenants/${agent.tenant.id}`)).body.status === "offline" ? true : undefined,
    );
  });

  it("terminates an agent that stops answering heartbeats, at the second one; the tenant shows offline", async () => {
    // The hub's heartbeat runs on virtual time; sockets and files stay real.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { url } = await start();
    const api = await staff(url);
    const agent = await pairedAgent(url, api, "Hung Co");
    const client = new WsAgent({ hubUrl: url, hubPublicKey: agent.hubPublicKey, agentId: agent.agentId, privateKey: agent.privateKey, autoPong: false });
    await client.next("welcome");
    const pinged = Promise.race([
      new Promise((resolve) => client.socket.once("ping", resolve)),
      client.closed.then(({ code }) => Promise.reject(new Error(`closed (${code}) instead of pinged`))),
    ]);
    vi.advanceTimersByTime(150); // heartbeatMs: a ping the agent leaves unanswered
    await pinged;
    await client.pingHub(); // still connected after one missed pong
    vi.advanceTimersByTime(150); // the next heartbeat finds no pong
    expect((await client.closed).code).toBe(1006);
    await untilLive(hub!, "offline", async () => ((await api("GET", `/tenants/${agent.tenant.id}`)).body.status === "offline" ? true : undefined));
  });

  it("tells the agent when the hub unpairs it (close 4003), then refuses its key", async () => {
    const { url } = await start();
    const api = await staff(url);
    const agent = await pairedAgent(url, api, "Unpair Co");
    const options = { hubUrl: url, hubPublicKey: agent.hubPublicKey, agentId: agent.agentId, privateKey: agent.privateKey };
    const client = new WsAgent(options);
    await client.next("welcome");
    expect((await api("POST", `/tenants/${agent.tenant.id}/unpair`)).body.status).toBe("unpaired");
    expect((await client.next("unpair")).reason).toMatch(/unpaired/);
    expect((await client.closed).code).toBe(CloseCode.revoked);

    const retry = new WsAgent(options);
    expect((await retry.next("error")).code).toBe("revoked");
    expect((await retry.closed).code).toBe(CloseCode.revoked);
  });

  it("closes an oversize frame with 1009 and keeps serving other agents", async () => {
    const { url } = await start();
    const api = await staff(url);
    const good = await pairedAgent(url, api, "Good Co");
    const bad = await pairedAgent(url, api, "Bad Co");
    const goodClient = new WsAgent({ hubUrl: url, hubPublicKey: good.hubPublicKey, agentId: good.agentId, privateKey: good.privateKey });
    const badClient = new WsAgent({ hubUrl: url, hubPublicKey: bad.hubPublicKey, agentId: bad.agentId, privateKey: bad.privateKey });
    await goodClient.next("welcome");
    await badClient.next("welcome");
    badClient.socket.send("x".repeat(4 * 1024 * 1024 + 1));
    expect((await badClient.closed).code).toBe(1009);
    expect((await api("POST", `/tenants/${good.tenant.id}/ping`)).status).toBe(200);
  });
});
