import { stat, readFile } from "node:fs/promises";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeHub } from "../../test/fake-hub.js";
import { sourceInsight } from "../../test/insights.js";
import { startIngestAgent } from "../../test/ingest-agent.js";
import { createAgent } from "../runtime/agent.js";
import { MAX_INGEST_BODY_BYTES } from "./ingest-server.js";
import { listInsights } from "../cli/local-data.js";
import { readAgentStatus } from "../cli/status.js";
import type { Agent } from "../core/types.js";

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("loopback ingest endpoint", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;
  let url: string;
  let token: string;

  beforeEach(async () => {
    ({ hub, dataDir, cleanup, agent, url, token } = await startIngestAgent({ online: true }));
  });

  afterEach(async () => {
    await agent.stop();
    await hub.close();
    await cleanup();
  });

  const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("makes a random token, kept 0600 in the data dir, and records its port for other processes", async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(dataDir, "ingest-token"))).mode & 0o777).toBe(0o600);
    const runtime = JSON.parse(await readFile(join(dataDir, "runtime.json"), "utf8"));
    expect(runtime.ingestPort).toBe(agent.ingestPort);
    expect((await readAgentStatus({ dataDir })).ingestUrl).toBe(url);

    // The next run keeps the same token.
    await agent.stop();
    agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: 0, ingestPort: 0 });
    await agent.start();
    expect((await readFile(join(dataDir, "ingest-token"), "utf8")).trim()).toBe(token);
  });

  it("refuses requests without the token or with a wrong one (401), storing nothing", async () => {
    const body = JSON.stringify(sourceInsight("in-1"));
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }];
    for (const headers of attempts) {
      const response = await post(body, headers);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(token);
    }
    expect(await listInsights({ dataDir })).toEqual([]);
  });

  it("takes one insight, an array or NDJSON; reports bad ones by index; stores and sends the good ones", async () => {
    const one = await post(JSON.stringify(sourceInsight("in-1")));
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ accepted: 1, created: 1, updated: 0, unchanged: 0, failed: [], failedCount: 0 });

    const array = await post(JSON.stringify([sourceInsight("in-2"), { id: "in-3", title: "no severity" }, sourceInsight("in-1", { severity: "critical" })]));
    expect(array.status).toBe(200);
    expect(await array.json()).toEqual({
      accepted: 2,
      created: 1,
      updated: 1,
      unchanged: 0,
      failed: [{ index: 1, error: expect.stringMatching(/^severity: /) }],
      failedCount: 1,
    });

    const ndjson = [JSON.stringify(sourceInsight("in-4")), "{not json", "", JSON.stringify(sourceInsight("in-5"))].join("\n");
    const lines = await post(ndjson, { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" });
    expect(await lines.json()).toEqual({ accepted: 2, created: 2, updated: 0, unchanged: 0, failed: [{ index: 1, error: "not valid JSON" }], failedCount: 1 });

    const held = await listInsights({ dataDir });
    expect(held.map((i) => i.id).sort()).toEqual(["in-1", "in-2", "in-4", "in-5"]);
    expect(held.find((i) => i.id === "in-1")).toMatchObject({ severity: "critical", revision: 2, source: "ingest" });
    await expect.poll(() => hub.insights.size).toBe(4);
    expect(hub.insights.get("in-1")?.revision).toBe(2);
  });

  it("answers 422 when nothing in the body is valid and 413 when the body is too big", async () => {
    const invalid = await post(JSON.stringify([{ id: "x" }, { title: "no id", severity: "low" }]));
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ accepted: 0, failed: [{ index: 0 }, { index: 1 }] });
    expect((await post("")).status).toBe(422);

    const big = await post(JSON.stringify([sourceInsight("in-1", { description: "x".repeat(MAX_INGEST_BODY_BYTES) })]));
    expect(big.status).toBe(413);
    expect(await listInsights({ dataDir })).toEqual([]);
  });

  it("listens on 127.0.0.1 only", async () => {
    const port = agent.ingestPort!;
    expect(await accepts("127.0.0.1", port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === "IPv4")
      .map((a) => a!.address);
    for (const address of others) expect(await accepts(address, port)).toBe(false);
    // ::1 is loopback too, but not the address it binds.
    expect(await accepts("::1", port)).toBe(false);
  });

  it("stops listening when the agent stops, and drops the port from runtime.json", async () => {
    const port = agent.ingestPort!;
    await agent.stop();
    expect(await accepts("127.0.0.1", port)).toBe(false);
    const runtime = JSON.parse(await readFile(join(dataDir, "runtime.json"), "utf8"));
    expect(runtime).toMatchObject({ state: "stopped" });
    expect(runtime.ingestPort).toBeUndefined();
  });
});
