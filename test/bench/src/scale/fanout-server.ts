// The bare-`ws` baseline of the scale suite: one process, a WebSocket server and the least HTTP
// needed to drive the same message patterns the hub is measured on. Clients that dial `/?i=N`
// are kept by N; their every answer ends the one request outstanding to them. argv: [PORT].
//   POST /fanout[?to=N]  the body to clients 0..N-1 (default all), answered when each answered: {acks, ms}
//   POST /ping?i=N       a small frame to client N, answered with its answer: {rttMs}
//   anything else        "ok" (and a client without `i` gets its frames echoed: the pairing pattern)
import { createServer, type IncomingMessage } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

const clients = new Map<number, WebSocket>();
const waiting = new Map<WebSocket, () => void>();

function roundTrip(ws: WebSocket, data: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    waiting.set(ws, resolve);
    ws.send(data);
  });
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  void body(req).then(async (data) => {
    if (url.pathname === "/fanout") {
      const to = Number(url.searchParams.get("to") ?? clients.size);
      const started = performance.now();
      const targets = Array.from(clients.entries())
        .filter(([i]) => i < to)
        .map(([, ws]) => ws);
      await Promise.all(targets.map((ws) => roundTrip(ws, data)));
      res.end(JSON.stringify({ acks: targets.length, ms: performance.now() - started }));
    } else if (url.pathname === "/ping") {
      const ws = clients.get(Number(url.searchParams.get("i")));
      if (!ws) {
        res.statusCode = 409;
        return res.end("{}");
      }
      const started = performance.now();
      await roundTrip(ws, JSON.stringify({ type: "ping", sentAt: Date.now() }));
      res.end(JSON.stringify({ rttMs: performance.now() - started }));
    } else res.end("ok");
  });
});
const wss = new WebSocketServer({ server, maxPayload: 4 * 1024 * 1024 });
wss.on("connection", (ws, req) => {
  const index = new URL(req.url ?? "/", "http://localhost").searchParams.get("i");
  if (index === null) {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    return;
  }
  clients.set(Number(index), ws);
  ws.on("message", () => {
    const done = waiting.get(ws);
    waiting.delete(ws);
    done?.();
  });
  ws.on("close", () => {
    if (clients.get(Number(index)) === ws) clients.delete(Number(index));
    waiting.get(ws)?.();
    waiting.delete(ws);
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) console.log(`listening on http://127.0.0.1:${address.port}`);
});
// Nothing to flush: exit at once. (Waiting for `server.close` waited for ever on a client that
// connected while it stopped.)
process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  process.exit(0);
});
