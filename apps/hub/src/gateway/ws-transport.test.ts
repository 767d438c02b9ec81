import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { AGENT_CONNECT_PATH, CloseCode, decodeText, encodeAgentMessage, MAX_AGENT_FRAME_BYTES, signHello } from "@canopy/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { createTestHub, login, type TestHub } from "../../test/helpers.js";
import { until } from "../../test/until.js";
import type { AgentBudgets } from "./agent-budgets.js";
import { REFUSED_BEFORE_HELLO_GRACE_MS } from "./ws-transport.js";

/** Bytes this process has read through read()/recv() (Linux `rchar`): the in-process hub's socket reads among them. */
function bytesReadHere(): number {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))![1]);
}

/** A raw agent socket: the hub's frames as it saw them (signatures unchecked: not what is tested here) and its close. */
class Peer {
  readonly frames: { type: string; code?: string; nonce?: string }[] = [];
  closed: { code: number; at: number } | undefined;
  readonly #wake = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      // Sealed: a 64-byte signature, then the message.
      const { type, code, nonce } = decodeText(data.subarray(64).toString("utf8")) as { type: string; code?: string; nonce?: string };
      this.frames.push({ type, ...(code === undefined ? {} : { code }), ...(nonce === undefined ? {} : { nonce }) });
      this.#notify();
    });
    ws.on("close", (code) => {
      this.closed = { code, at: performance.now() };
      this.#notify();
    });
    ws.on("error", () => {});
  }

  static async open(url: string, query = ""): Promise<Peer> {
    const peer = new Peer(new WebSocket(`${url.replace("http", "ws")}${AGENT_CONNECT_PATH}${query}`, { perMessageDeflate: false }));
    await peer.until("the challenge", () => peer.frames[0]);
    return peer;
  }

  /** What came after the challenge. */
  get answers() {
    return this.frames.slice(1);
  }

  async authenticate(identity: PairedIdentity): Promise<void> {
    const nonce = this.frames[0]!.nonce!;
    const signature = signHello(identity.privateKey, nonce, identity.agentId);
    this.ws.send(encodeAgentMessage({ type: "hello", agentId: identity.agentId, signature, agentVersion: "1.2.3", hostname: "h", platform: "linux", capabilities: [] }));
    await this.until("the welcome", () => this.frames.find((f) => f.type === "welcome"));
  }

  close(timeoutMs = 10_000): Promise<{ code: number; at: number }> {
    return this.until("the close", () => this.closed, timeoutMs);
  }

  until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return until(what, probe, (changed) => (this.#wake.add(changed), () => this.#wake.delete(changed)), timeoutMs);
  }

  #notify(): void {
    for (const wake of Array.from(this.#wake)) wake();
  }
}

describe("the agent gateway on a real socket", () => {
  let t: TestHub | undefined;
  let url: string;
  let alice: PairedIdentity;

  async function start(agentBudgets: Partial<AgentBudgets> = {}) {
    t = await createTestHub({ agentBudgets });
    url = (await t.hub.listen({ port: 0, host: "127.0.0.1" })).url;
    const admin = await login(t.hub);
    alice = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Alice" })).body.id);
  }

  afterEach(async () => {
    await t?.hub.close();
    t = undefined;
  });

  it("takes WebSocket upgrades on the agent path only (any other path: 404, no socket), before the HTTP app, which still answers plain requests", async () => {
    await start();
    const elsewhere = new WebSocket(`${url.replace("http", "ws")}/api/v1/events`, { perMessageDeflate: false });
    elsewhere.on("error", () => {});
    const [, response] = (await once(elsewhere, "unexpected-response")) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
    elsewhere.terminate();
    // A query on the agent path is still the agent path; the link answers with its challenge.
    const peer = await Peer.open(url, "?v=1");
    expect(peer.frames[0]?.type).toBe("hello.challenge");
    await peer.authenticate(alice);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    peer.ws.close(1000);
    expect((await peer.close()).code).toBe(1000);
  }, 30_000);

  it("answers a frame over 64 KiB before the hello with frame_too_large and close 4000, never a bare reset, however big (the cut comes after the peer could read why)", async () => {
    await start();
    // Many at once, of sizes that raced the refusal against a reset (the peer saw 1006 and often no error).
    const sizes = Array.from({ length: 24 }, (_, i) => [70 * 1024, 200 * 1024, 1024 * 1024, MAX_AGENT_FRAME_BYTES][i % 4]!);
    const peers = await Promise.all(sizes.map(() => Peer.open(url)));
    peers.forEach((peer, i) => peer.ws.send("x".repeat(sizes[i]!)));
    const closes = await Promise.all(peers.map((peer) => peer.close()));
    expect(closes.map((c) => c.code)).toEqual(sizes.map(() => CloseCode.protocolError));
    for (const peer of peers) expect(peer.answers).toEqual([{ type: "error", code: "frame_too_large" }]);
  }, 30_000);

  it("closes a frame over the largest frame before the hello with 1009, ws's own refusal at the frame's header", async () => {
    await start();
    const peers = await Promise.all(Array.from({ length: 6 }, () => Peer.open(url)));
    for (const peer of peers) peer.ws.send("x".repeat(MAX_AGENT_FRAME_BYTES + 1));
    expect((await Promise.all(peers.map((peer) => peer.close()))).map((c) => c.code)).toEqual(peers.map(() => CloseCode.messageTooBig));
    for (const peer of peers) expect(peer.answers).toEqual([]);
  }, 30_000);

  it("reads hardly more than 64 KiB of a socket that goes on sending before its hello, tells it why, and cuts it off a moment later", async () => {
    await start();
    const port = Number(new URL(url).port);
    // Half-open allowed: the hub's FIN must not make this peer end its own side (and stop
    // sending) by itself; it goes on until the hub cuts it off.
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let received = Buffer.alloc(0);
    let closedAt: number | undefined;
    socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on("error", () => {});
    socket.once("close", () => (closedAt = performance.now()));
    socket.write(`GET ${AGENT_CONNECT_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    while (!received.includes("\r\n\r\n")) await once(socket, "data");
    // Everything this process reads, the hub's side of the socket included (its peer reads little).
    const readBefore = bytesReadHere();
    const started = performance.now();
    // A masked text frame that says it holds 4 MiB, then bytes that never stop: a peer that ignores the refusal.
    socket.write(Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, MAX_AGENT_FRAME_BYTES >>> 16, 0, 0, 1, 2, 3, 4]));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    while (closedAt === undefined) {
      // Not events.once: it rejects on the reset that ends this.
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
    }
    expect(bytesReadHere() - readBefore, "bytes read while the peer sent for seconds").toBeLessThan(512 * 1024);
    expect(closedAt - started, "ms until it was cut off").toBeGreaterThanOrEqual(REFUSED_BEFORE_HELLO_GRACE_MS - 100);
    expect(closedAt - started, "ms until it was cut off").toBeLessThan(REFUSED_BEFORE_HELLO_GRACE_MS + 3000);
    // It was told why first: the error frame, then a close frame (0x88) with 4000 (0x0fa0).
    expect(received.includes("frame_too_large")).toBe(true);
    const close = received.indexOf(0x88, received.indexOf("frame_too_large"));
    expect([...received.subarray(close + 2, close + 4)]).toEqual([0x0f, 0xa0]);
  });

  it("completes at once the close of an agent refused (4029) while its reading was held back, not once the hold is over", async () => {
    // At 1 frame a second, the hold that the flood earns lasts seconds.
    await start({ framesPerSecond: 1, frameBurst: 5 });
    const peer = await Peer.open(url);
    await peer.authenticate(alice);
    // Far past the frame budget in one go: reading stops, and the frames still arriving make an offender.
    const started = performance.now();
    for (let i = 0; i < 2000; i++) peer.ws.send(encodeAgentMessage({ type: "error", code: "internal", message: `noise ${i}` }));
    const closed = await peer.close(40_000);
    expect(closed.code).toBe(CloseCode.rateLimited);
    expect(peer.answers.at(-1)).toEqual({ type: "error", code: "rate_limited" });
    expect(closed.at - started, "ms until the peer saw its close").toBeLessThan(2500);
  }, 60_000);
});
