import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { WsConnection } from "./ws-connection.js";

describe("WsConnection", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** A real socket pair on loopback: the hub's side wrapped in a WsConnection holding at most `maxUnsent` bytes. */
  async function pair(maxUnsent: number) {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    closers.push(() => server.close());
    await once(server, "listening");
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    closers.push(() => client.terminate());
    const [socket] = (await once(server, "connection")) as [WebSocket];
    await once(client, "open");
    const payload = Buffer.alloc(256 * 1024, 1);
    return { client, socket, connection: new WsConnection("con_test", "127.0.0.1", socket, { seal: () => payload }, maxUnsent) };
  }

  const message = { type: "ping" as const, id: "p", sentAt: 0 };

  it("cuts off a peer that stops reading instead of buffering without bound", async () => {
    const { client, socket, connection } = await pair(1024 * 1024);
    client.pause();
    const closed = once(client, "close");
    // 64 MiB sent to a peer that reads nothing: loopback's kernel buffers take a few MiB, the rest would stay in the hub.
    let peak = 0;
    for (let i = 0; i < 256 && socket.readyState === WebSocket.OPEN; i++) {
      connection.send(message);
      peak = Math.max(peak, socket.bufferedAmount);
    }
    expect(socket.readyState).not.toBe(WebSocket.OPEN);
    expect(peak).toBeLessThan(1024 * 1024 + 256 * 1024 + 1024);
    client.resume();
    const [code] = (await closed) as [number];
    expect(code).toBe(1006);
  });

  it("keeps a peer that reads, however much is sent to it over time", async () => {
    const { client, socket, connection } = await pair(1024 * 1024);
    // 16 MiB, each frame sent once the peer has read the one before.
    for (let i = 0; i < 64; i++) {
      const received = once(client, "message");
      connection.send(message);
      await received;
    }
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });
});
