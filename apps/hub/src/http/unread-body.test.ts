import { Agent, request } from "node:http";
import { CONTENT_IMPORT_MAX_BYTES } from "@canopy/api";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHub, login, type TestHub } from "../../test/helpers.js";

type Sent = { status: number; connection: string | undefined } | { error: string };

/** One request over `agent`; resolves with the status and Connection header, or the network error. */
function send(agent: Agent, port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<Sent>((resolve) => {
    const all: Record<string, string> = { ...(body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }), ...headers };
    const req = request({ host: "127.0.0.1", port, method, path, headers: all, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

describe("answers given without reading the request body, on a kept-alive connection", () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.hub.close();
    t = undefined;
  });

  async function listening() {
    t = await createTestHub();
    const { port } = await t.hub.listen({ port: 0, host: "127.0.0.1" });
    // One pooled socket: the client reuses whatever the server said it may keep.
    return { port, agent: new Agent({ keepAlive: true, maxSockets: 1 }) };
  }

  it("a body over the limit: 413, and the client's next requests on the same connection get answers", async () => {
    const { port, agent } = await listening();
    try {
      const refused = await send(agent, port, "POST", "/api/v1/tenants", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }));
      expect(refused).toMatchObject({ status: 413 });
      // Had the hub left the rest of that body unread, these would meet a socket it is tearing down.
      for (let i = 0; i < 3; i++) expect(await send(agent, port, "GET", "/healthz")).toMatchObject({ status: 200 });
    } finally {
      agent.destroy();
    }
  });

  it("a large body refused before its route reads it (no credentials): 401, and the connection stays usable", async () => {
    const { port, agent } = await listening();
    try {
      const big = JSON.stringify({ files: [{ name: "big.yml", text: "x".repeat(1024 * 1024 + 10) }] });
      expect(await send(agent, port, "POST", "/api/v1/content/import", big, { origin: "http://127.0.0.1" })).toMatchObject({ status: 401 });
      for (let i = 0; i < 3; i++) expect(await send(agent, port, "GET", "/healthz")).toMatchObject({ status: 200 });
      // A body the route did read keeps the connection too.
      const admin = await login(t!.hub);
      const created = await send(agent, port, "POST", "/api/v1/tenants", JSON.stringify({ name: "Kept Alive" }), { cookie: admin.auth.cookie!, origin: `http://127.0.0.1:${port}` });
      expect(created).toEqual({ status: 201, connection: "keep-alive" });
    } finally {
      agent.destroy();
    }
  });

  it("an import one byte over its 64 MiB limit: the client, still sending, gets the 413 rather than a broken pipe", async () => {
    const { port, agent } = await listening();
    try {
      const admin = await login(t!.hub);
      const body = "#".repeat(CONTENT_IMPORT_MAX_BYTES + 1);
      const refused = await send(agent, port, "POST", "/api/v1/content/import", body, { cookie: admin.auth.cookie!, origin: `http://127.0.0.1:${port}`, "content-type": "application/yaml" });
      expect(refused).toMatchObject({ status: 413 });
    } finally {
      agent.destroy();
    }
  });
});
