import { CloseCode, type ErrorCode } from "@canopy/protocol";
import type { FrameClass } from "./frames.js";

/**
 * What the hub must answer to one frame:
 * - `error`: an `error` frame with one of `codes`; the connection stays open.
 * - `fatal`: an `error` frame with one of `codes`, then a close with one of `close`.
 * - `close`: a close with one of `close` (the WebSocket layer's own refusal; no error frame).
 * - `either`: `error` or `fatal` (the codec may or may not make sense of it), with these codes.
 * - `silent`: a valid frame that asks nothing; no answer at all.
 */
export type Expectation =
  | { answer: "error"; codes: ErrorCode[] }
  | { answer: "fatal"; codes: ErrorCode[]; close: number[] }
  | { answer: "close"; close: number[] }
  | { answer: "either"; codes: ErrorCode[]; close: number[] }
  | { answer: "silent" };

/** A budget refusal is a typed answer to any frame of a flood (issue 10: per-connection budgets). */
export const RATE_LIMIT = { code: "rate_limited" as ErrorCode, close: CloseCode.rateLimited };

/** RFC 6455 codes `ws` closes with by itself: invalid UTF-8 in a text frame, and a frame over `maxPayload`. */
const INVALID_PAYLOAD = 1007;

const undecodable: ErrorCode[] = ["bad_encoding", "invalid_message"];

export function expectationFor(cls: FrameClass, authenticated: boolean): Expectation {
  if (cls === "invalid-utf8") return { answer: "close", close: [INVALID_PAYLOAD] };
  if (cls === "oversize") return { answer: "close", close: [CloseCode.messageTooBig] };
  if (!authenticated) {
    // Before the handshake a socket may send only `hello` (DESIGN.md, Fairness): anything else is fatal.
    if (cls === "hello-replay" || cls === "hello-forged") return { answer: "fatal", codes: ["auth_failed"], close: [CloseCode.authFailed] };
    return { answer: "fatal", codes: [...undecodable, "unexpected_message", "unknown_type"], close: [CloseCode.protocolError] };
  }
  switch (cls) {
    case "deep-nesting":
      // Nested past MAX_AGENT_FRAME_DEPTH: refused before it is parsed.
      return { answer: "fatal", codes: ["bad_encoding"], close: [CloseCode.protocolError] };
    case "garbage-text":
    case "binary":
    case "json-not-envelope":
    case "no-type":
    case "wrong-field-types":
      return { answer: "fatal", codes: undecodable, close: [CloseCode.protocolError] };
    case "envelope-bad-meta":
      return { answer: "either", codes: [...undecodable, "unknown_type"], close: [CloseCode.protocolError] };
    case "huge-string":
    case "huge-wide":
    case "unknown-type":
      return { answer: "error", codes: ["unknown_type"] };
    case "hello-replay":
    case "hello-forged":
      return { answer: "error", codes: ["unexpected_message"] };
    case "stray-valid":
      return { answer: "silent" };
  }
}
