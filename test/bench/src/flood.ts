// A misbehaving client, run as its own process by the fairness bench so its CPU is not the
// measuring process's. argv: MODE URL SIDE (`hub` or `baseline`); env FLOOD_CREDENTIALS is the
// paired agent (`{agentId, privateKeyPem}`) for the authenticated modes. Modes:
//   unknown   authenticated, frames of an unknown type as fast as the socket takes them
//   insights  authenticated, `insights.upsert` frames of one new insight each, never waiting for acks
//   garbage   never says hello: text frames that are not frames of the protocol
// Against the bare-ws baseline (`TARGET_URL` of baseline-server) the same frames are sent with no
// handshake. It reconnects at once after every close, as an attacker would, and reports its
// counts on the IPC message "stop". It says "flooding" once the first frames are on their way.
import { AGENT_CONNECT_PATH, decodeText, encodeAgentMessage, encodeMessage, loadPrivateKey, signHello, type InsightInput } from "@canopy/protocol";
import WebSocket from "ws";

type Mode = "unknown" | "insights" | "garbage";
interface Credentials {
  agentId: string;
  privateKeyPem: string;
}

const [mode, target, side] = process.argv.slice(2) as [Mode, string, "hub" | "baseline"];
const credentials = process.env.FLOOD_CREDENTIALS ? (JSON.parse(process.env.FLOOD_CREDENTIALS) as Credentials) : undefined;
const baseline = side === "baseline";
const HIGH_WATER = 256 * 1024;
// The hub signs its frames: 64 signature bytes, then the payload.
const SIGNATURE_BYTES = 64;

let running = true;
let sent = 0;
let seq = 0;
const closes = new Map<number, number>();
let socket: WebSocket | undefined;

function frame(): string {
  sent++;
  if (mode === "unknown") return encodeMessage({ type: "flood.noise", id: `n${sent}` });
  if (mode === "garbage") return `\u0000garbage ${sent} ${"x".repeat(120)}`;
  const now = new Date();
  const insight: InsightInput = { id: `flood-${process.pid}-${sent}`, title: `Flood ${sent}`, severity: "low", status: "new", createdAt: now, updatedAt: now, revision: 1 };
  return encodeAgentMessage({ type: "insights.upsert", seq: ++seq, insights: [insight as never] });
}

let announced = false;

function pump(ws: WebSocket): void {
  if (!running || ws.readyState !== WebSocket.OPEN) return;
  if (!announced) {
    announced = true;
    process.send!({ type: "flooding" });
  }
  // A write the kernel takes at once never shows in bufferedAmount: bound each turn as well.
  for (let bytes = 0; bytes < HIGH_WATER && ws.bufferedAmount < HIGH_WATER; ) {
    const next = frame();
    bytes += next.length;
    ws.send(next);
  }
  setImmediate(() => pump(ws));
}

function connect(): void {
  if (!running) return;
  const url = new URL(baseline ? "/" : AGENT_CONNECT_PATH, target);
  url.protocol = "ws:";
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
  socket = ws;
  ws.on("error", () => {});
  ws.on("close", (code) => {
    closes.set(code, (closes.get(code) ?? 0) + 1);
    setImmediate(connect);
  });
  if (baseline || mode === "garbage") {
    ws.once("open", () => pump(ws));
    return;
  }
  ws.on("message", (data: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const message = decodeText(data.subarray(SIGNATURE_BYTES).toString("utf8")) as { type: string; nonce?: string };
    if (message.type === "hello.challenge") {
      const { agentId, privateKeyPem } = credentials!;
      ws.send(
        encodeAgentMessage({
          type: "hello",
          agentId,
          signature: signHello(loadPrivateKey(privateKeyPem), message.nonce!, agentId),
          agentVersion: "0.0.0-flood",
          hostname: "flood",
          platform: "linux",
          capabilities: [],
        }),
      );
    } else if (message.type === "welcome") pump(ws);
  });
}

process.on("message", (message) => {
  if (message !== "stop") return;
  running = false;
  socket?.terminate();
  process.send!({ type: "flood", sent, closes: Object.fromEntries(closes) }, () => process.exit(0));
});
connect();
