import { readFileSync } from "node:fs";
import { AGENT_CONNECT_PATH, encodeMessage } from "@canopy/protocol";
import WebSocket from "ws";

/** Bytes a process has read through read()/recv() so far (Linux /proc/PID/io `rchar`); NaN elsewhere. */
export function bytesRead(pid: number): number {
  try {
    return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

export type PreauthStyle = "unknown-frames" | "big-frame" | "endless-fragments";

export interface PreauthOutcome {
  style: PreauthStyle;
  /** Bytes this socket offered (what it handed to ws before the hub cut it off). */
  offered: number;
  close: number;
  errorCode: string | null;
  closedAfterMs: number;
}

const CHUNK = 256 * 1024;

/**
 * One socket that never says hello and sends `bytes` instead: many small frames of an unknown
 * type, one big frame just under the frame limit, or a frame that never ends (fragments). The
 * hub's frames are not verified here (the attacker does not care): only its `error` code is read.
 */
export function preauthFlood(hubUrl: string, style: PreauthStyle, bytes: number): Promise<PreauthOutcome> {
  const url = new URL(AGENT_CONNECT_PATH, hubUrl);
  url.protocol = "ws:";
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let offered = 0;
  let errorCode: string | null = null;
  let startedAt = 0;
  ws.on("error", () => {});
  ws.on("message", (data: Buffer) => {
    // A hub frame: 64 signature bytes, then the JSON text (superjson: {"json": {...}}).
    const code = /"code":"([a-z_]+)"/.exec(data.subarray(64).toString("utf8"))?.[1];
    if (code) errorCode ??= code;
  });
  // Built once: the attacker's own CPU must not be what slows the flood down.
  const noise = Buffer.from(encodeMessage({ type: "preauth.noise", pad: "x".repeat(1000) } as never));
  const big = Buffer.alloc(4 * 1024 * 1024 - 1024, 0x61);
  const fragment = Buffer.alloc(CHUNK, 0x20);
  ws.once("open", () => {
    startedAt = Date.now();
    // About CHUNK bytes a tick, so two dozen sockets share this process fairly; no more while ws
    // still holds a few megabytes the kernel would not take.
    const tick = () => {
      if (ws.readyState !== WebSocket.OPEN || offered >= bytes) return;
      if (ws.bufferedAmount < 4 * CHUNK) {
        if (style === "unknown-frames") for (let sent = 0; sent < CHUNK && offered < bytes; sent += noise.length, offered += noise.length) ws.send(noise, { binary: false });
        else if (style === "big-frame") {
          ws.send(big);
          offered += big.length;
        } else {
          ws.send(fragment, { fin: false });
          offered += fragment.length;
        }
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  return new Promise((resolve) => {
    ws.once("close", (code) => resolve({ style, offered, close: code, errorCode, closedAfterMs: startedAt ? Date.now() - startedAt : 0 }));
  });
}
