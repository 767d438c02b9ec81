/** What a WebSocket library hands over for one message, in any of its shapes. */
export type RawFrame = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

/** Normalises a raw frame to bytes without copying when it is already a Uint8Array. */
export function frameBytes(data: RawFrame): Uint8Array {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return Buffer.concat(data as Uint8Array[]);
}

export function frameSize(data: RawFrame): number {
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  return (data as Uint8Array[]).reduce((n, part) => n + part.byteLength, 0);
}
