import { connect, createServer, type Server, type Socket } from "node:net";
import { FrameReader, serverFrame, type WireFrame } from "./ws-frames.js";

const HEADER_END = Buffer.from("\r\n\r\n");

/** What a hub frame becomes on its way to the agent: the same (undefined), other bytes, or nothing (null). */
export type HubFrameTamper = (payload: Buffer, link: number) => Buffer | null | undefined;

interface Link {
  id: number;
  client: Socket;
  upstream: Socket;
}

/**
 * A man in the middle on loopback between agents and the hub, at the WebSocket level: it sees
 * every frame both ways (frames are signed, not encrypted: an attacker on the path reads them),
 * records them, and may change, drop or inject hub → agent frames. Plain HTTP (pairing) passes
 * through untouched.
 */
export class WsTamperProxy {
  /** Agent → hub text frames, unmasked, by link. */
  readonly agentFrames: { link: number; text: string }[] = [];
  /** Hub → agent binary frames as the hub sent them (before any tampering), by link. */
  readonly hubFrames: { link: number; payload: Buffer }[] = [];
  tamper: HubFrameTamper | undefined;
  readonly #links = new Map<number, Link>();
  /** Every connection, WebSocket or not, so `close()` ends them all. */
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #nextLink = 0;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => this.#accept(client, connect(target.port, target.host)));
  }

  static async start(target: { host: string; port: number }): Promise<WsTamperProxy> {
    const proxy = new WsTamperProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.#port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Links that carry a WebSocket right now. */
  get openLinks(): number[] {
    return [...this.#links.keys()];
  }

  /** Sends `payload` to the agent on `link` as if the hub had sent it (a binary frame). */
  inject(link: number, payload: Buffer): void {
    this.#links.get(link)?.client.write(serverFrame({ fin: true, opcode: 2, payload }));
  }

  /** Resets every connection, as a network blip would. */
  cutAll(): number {
    const n = this.#links.size;
    for (const link of this.#links.values()) {
      link.client.resetAndDestroy();
      link.upstream.resetAndDestroy();
    }
    this.#links.clear();
    return n;
  }

  async close(): Promise<void> {
    this.tamper = undefined;
    this.cutAll();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, upstream: Socket): void {
    const link: Link = { id: ++this.#nextLink, client, upstream };
    this.#sockets.add(client).add(upstream);
    const drop = () => {
      this.#links.delete(link.id);
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
    this.#fromAgent(link);
    this.#fromHub(link);
  }

  /** Agent → hub: forwarded as is; once upgraded, text frames are recorded. */
  #fromAgent(link: Link): void {
    let head: Buffer | undefined = Buffer.alloc(0);
    const reader = new FrameReader();
    link.client.on("data", (chunk: Buffer) => {
      link.upstream.write(chunk);
      let rest = chunk;
      if (head) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end === -1) return;
        const upgrade = /\r\nupgrade:\s*websocket\r\n/i.test(head.subarray(0, end + 2).toString("latin1"));
        rest = head.subarray(end + HEADER_END.length);
        head = undefined;
        if (!upgrade) {
          // Plain HTTP: nothing more to look at on this connection.
          link.client.removeAllListeners("data");
          link.client.on("data", (c: Buffer) => link.upstream.write(c));
          return;
        }
        this.#links.set(link.id, link);
      }
      for (const frame of reader.push(rest)) if (frame.opcode === 1) this.agentFrames.push({ link: link.id, text: frame.payload.toString("utf8") });
    });
  }

  /** Hub → agent: the response head as is; then frame by frame, through `tamper`. */
  #fromHub(link: Link): void {
    let head: Buffer | undefined = Buffer.alloc(0);
    const reader = new FrameReader();
    link.upstream.on("data", (chunk: Buffer) => {
      let rest = chunk;
      if (head) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end === -1) return;
        link.client.write(head.subarray(0, end + HEADER_END.length));
        const upgraded = head.subarray(0, 12).toString("latin1") === "HTTP/1.1 101";
        rest = head.subarray(end + HEADER_END.length);
        head = undefined;
        if (!upgraded) {
          if (rest.length) link.client.write(rest);
          link.upstream.removeAllListeners("data");
          link.upstream.on("data", (c: Buffer) => link.client.write(c));
          return;
        }
      }
      for (const frame of reader.push(rest)) {
        const out = this.#pass(frame, link.id);
        if (out) link.client.write(serverFrame(out));
      }
    });
  }

  #pass(frame: WireFrame, link: number): WireFrame | null {
    if (frame.opcode !== 2) return frame;
    this.hubFrames.push({ link, payload: frame.payload });
    const changed = this.tamper?.(frame.payload, link);
    if (changed === undefined) return frame;
    return changed === null ? null : { ...frame, payload: changed };
  }
}
