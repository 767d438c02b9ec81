import superjson from "superjson";
import { ProtocolError } from "./errors.js";

/**
 * The wire codec: superjson over JSON text, so Dates, Maps and bigints survive the trip.
 * This is the only place that knows the encoding.
 */
export function encodeMessage(message: unknown): string {
  return superjson.stringify(message);
}

/** Text → value. Throws a `bad_encoding` ProtocolError; never anything else. */
export function decodeText(text: string): unknown {
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
    return superjson.deserialize(parsed as Parameters<typeof superjson.deserialize>[0]);
  } catch {
    throw new ProtocolError("bad_encoding", "frame has invalid superjson metadata");
  }
}
