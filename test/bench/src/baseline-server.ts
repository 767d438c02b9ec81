// The bare-`ws` baseline: one process, a WebSocket server that echoes, nothing else. The hub is
// measured against what this costs for the same number of connections and round trips.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const server = createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ server, maxPayload: 4 * 1024 * 1024 });
wss.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
