import { connect, createServer, type Server, type Socket } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket;
}

export interface ProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections cut on purpose (both sides reset). */
  cut: number;
  /** Cutting rounds run. */
  rounds: number;
}

/**
 * A TCP proxy on loopback in front of the hub that cuts live connections the way a flaky
 * network or a NAT dropping state does: both sides get a reset, with no close handshake.
 */
export class TcpProxy {
  readonly stats: ProxyStats = { accepted: 0, cut: 0, rounds: 0 };
  readonly #links = new Set<Link>();
  readonly #server: Server;
  #timer: NodeJS.Timeout | undefined;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => this.#accept(client, connect(target.port, target.host)));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.#port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get open(): number {
    return this.#links.size;
  }

  #accept(client: Socket, upstream: Socket): void {
    const link = { client, upstream };
    this.#links.add(link);
    this.stats.accepted++;
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side failing or ending takes the other down with it.
    const drop = () => {
      if (!this.#links.delete(link)) return;
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
  }

  /** Resets a random `share` of the open connections; returns how many. */
  cut(share: number, random: () => number): number {
    let n = 0;
    for (const link of [...this.#links]) {
      if (random() >= share) continue;
      this.#links.delete(link);
      link.client.resetAndDestroy();
      link.upstream.resetAndDestroy();
      n++;
    }
    this.stats.cut += n;
    this.stats.rounds++;
    return n;
  }

  /** Cuts `share` of the open connections every `everyMs` until `stopCutting()`. */
  startCutting(share: number, everyMs: number, random: () => number): void {
    this.#timer = setInterval(() => this.cut(share, random), everyMs);
  }

  stopCutting(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async close(): Promise<void> {
    this.stopCutting();
    for (const { client, upstream } of this.#links) {
      client.destroy();
      upstream.destroy();
    }
    this.#links.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
