/** One WebSocket frame as it travels on the wire (RFC 6455 §5.2), payload unmasked. */
export interface WireFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * Cuts a byte stream into WebSocket frames as they complete; a partial frame waits for the rest.
 * Frames from a client are masked (the key is applied here); frames from a server are not.
 */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): WireFrame[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const frames: WireFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  #next(): WireFrame | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    const key = masked ? b.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (b.length < at + length) return undefined;
    const payload = Buffer.from(b.subarray(at, at + length));
    if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    this.#buffer = b.subarray(at + length);
    return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload };
  }
}

/** A server-to-client frame (unmasked). */
export function serverFrame(frame: WireFrame): Buffer {
  const n = frame.payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (frame.fin ? 0x80 : 0) | frame.opcode;
  if (n < 126) head[1] = n;
  else if (n < 65_536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, frame.payload]);
}

/**
 * The JSON text of a hub frame, parsed; null if it is not one. Signed frames carry 64 signature
 * bytes before the superjson payload, frames after a session-MAC welcome a 32-byte tag.
 */
export function hubFrameJson(payload: Buffer): { type?: string; [key: string]: unknown } | null {
  for (const offset of [64, 32]) {
    try {
      return (JSON.parse(payload.subarray(offset).toString("utf8")) as { json: { type?: string } }).json;
    } catch {
      // not this layout
    }
  }
  return null;
}
