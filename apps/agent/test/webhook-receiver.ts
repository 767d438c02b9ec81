import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingHttpHeaders;
  body: { kind: string; name: string; revision: number; hash: string; body: unknown };
}

/**
 * A tenant's webhook receiver on 127.0.0.1 port 0. `answer` decides the reply per item
 * (default 204); `delayMs` holds every answer back.
 */
export async function startReceiver(
  answer: (item: Received["body"]) => { status: number; text?: string } = () => ({ status: 204 }),
  options: { delayMs?: number } = {},
): Promise<{ url: string; received: Received[]; server: Server; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(text) as Received["body"];
      received.push({ headers: req.headers, body });
      const reply = answer(body);
      setTimeout(() => res.writeHead(reply.status, { "content-type": "text/plain" }).end(reply.text ?? ""), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/canopy`,
    received,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
