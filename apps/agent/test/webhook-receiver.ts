import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingHttpHeaders;
  body: { kind: string; name: string; revision: number; hash: string; body: unknown };
}

export interface ReceiverOptions {
  /**
   * Items whose answer waits until `release()` (default none): a slow receiver, without a clock.
   * The test decides when it answers, so what happens meanwhile is the same on every run.
   */
  hold?: (item: Received["body"]) => boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  server: Server;
  /** Resolves once `count` requests have arrived (at once if they have). */
  requests(count: number): Promise<void>;
  /** Sends every held answer, and answers at once from now on. */
  release(): void;
  close(): Promise<void>;
}

/** A tenant's webhook receiver on 127.0.0.1 port 0. `answer` decides the reply per item (default 204). */
export async function startReceiver(
  answer: (item: Received["body"]) => { status: number; text?: string } = () => ({ status: 204 }),
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const received: Received[] = [];
  let held: (() => void)[] | undefined = options.hold ? [] : undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(text) as Received["body"];
      received.push({ headers: req.headers, body });
      const reply = answer(body);
      const send = () => res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.text ?? "");
      if (held && options.hold?.(body)) held.push(send);
      else send();
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const release = () => {
    const answers = held ?? [];
    held = undefined;
    for (const send of answers) send();
  };
  return {
    url: `http://127.0.0.1:${port}/canopy`,
    received,
    server,
    requests: (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    release,
    close: () =>
      new Promise((resolve) => {
        held = undefined; // never answered: the connections are cut below
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
