import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHub, type TestHub } from "../../test/helpers.js";

/** One request over `agent`; resolves with the status and headers, or the network error's message. */
function send(agent: Agent, port: number, method: string, path: string, body?: string) {
  return new Promise<{ status: number; connection: string | undefined } | { error: string }>((resolve) => {
    const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

describe("a body over the limit, on a kept-alive connection", () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.hub.close();
    t = undefined;
  });

  it("is refused with 413 and Connection: close, so the client's next request takes a fresh connection", async () => {
    t = await createTestHub();
    const { port } = await t.hub.listen({ port: 0, host: "127.0.0.1" });
    // One pooled socket: the client reuses whatever the server said it may keep.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, port, "POST", "/api/v1/tenants", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }));
      expect(refused).toEqual({ status: 413, connection: "close" });
      // The hub never read that body; had it kept the connection, this request would meet a socket it is tearing down.
      for (let i = 0; i < 3; i++) expect(await send(agent, port, "GET", "/healthz")).toMatchObject({ status: 200 });
    } finally {
      agent.destroy();
    }
  });
});
