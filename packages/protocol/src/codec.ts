import superjson from "superjson";
import { ProtocolError } from "./errors.js";

/**
 * The wire codec: superjson over JSON text, so Dates, Maps and bigints survive the trip.
 * This is the only place that knows the encoding.
 */
export function encodeMessage(message: unknown): string {
  return superjson.stringify(message);
}

/**
 * Whether `text` (JSON) nests objects or arrays deeper than `max`, found in one pass that stops
 * at the first level too deep, without parsing: brackets inside strings do not count.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Text → value. Throws a `bad_encoding` ProtocolError; never anything else. With `maxDepth`,
 * text nested deeper is refused before it is parsed (parsing and walking such text is what costs).
 */
export function decodeText(text: string, maxDepth = Infinity): unknown {
  if (maxDepth !== Infinity && nestsDeeperThan(text, maxDepth)) {
    throw new ProtocolError("bad_encoding", `frame nests deeper than ${maxDepth} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProtocolError("bad_encoding", "frame is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || !("json" in parsed)) {
    throw new ProtocolError("bad_encoding", "frame is not a superjson envelope");
  }
  try {
    // In place: the parsed value is this call's own, and copying it doubled the cost of a big frame.
    return superjson.deserialize(parsed as Parameters<typeof superjson.deserialize>[0], { inPlace: true });
  } catch {
    throw new ProtocolError("bad_encoding", "frame has invalid superjson metadata");
  }
}
