import { CloseCode, decodeAgentFrame, type ErrorCode, frameSize, jsonExceeds, MAX_AGENT_FRAME_BYTES, MAX_AGENT_FRAME_DEPTH, MAX_AGENT_FRAME_VALUES } from "@canopy/protocol";
import type { FrameClass, FuzzFrame } from "./frames.js";

/**
 * What the hub must answer to one frame, exactly (apps/hub README, "Agent gateway"):
 * - `error`: an `error` frame with this code and ref (none when `ref` is undefined); the connection stays.
 * - `fatal`: that `error` frame, then the close `close`; nothing after.
 * - `close`: the close `close` with no `error` frame: ws's own refusal, before the hub sees the frame.
 * - `silent`: no answer at all.
 * `bad`: the frame counts against the tenant's bad-frame budget (an unknown type, a second hello,
 * an answer to nothing). After the handshake any frame the hub reads may instead be answered
 * `rate_limited` and close 4029: every frame is counted against the tenant's budgets before it is
 * decoded, and a bad one against its bad-frame budget too. Before the handshake no budget but
 * `bytesBeforeHello` applies, so `rate_limited` there is wrong.
 */
export type Expectation =
  | { answer: "error"; code: ErrorCode; ref: string | undefined; bad: boolean }
  | { answer: "fatal"; code: ErrorCode; ref: string | undefined; close: number }
  | { answer: "close"; close: number }
  | { answer: "silent"; bad: boolean };

/** The budget's answer, possible for any frame the hub reads after the handshake. */
export const RATE_LIMIT = { code: "rate_limited" as ErrorCode, close: CloseCode.rateLimited };

/** The hub's default `bytesBeforeHello` (apps/hub README, "Budgets"): R4 runs a hub with its defaults. */
export const BYTES_BEFORE_HELLO = 64 * 1024;

/** RFC 6455's code for a text frame that is not UTF-8, with which ws closes by itself. */
const INVALID_PAYLOAD = 1007;

/**
 * What each class may decode to (`decodeAgentFrame`'s verdict: an error code, or the message type):
 * the oracle decodes each frame as the hub does to know its exact code and ref, and this table
 * keeps that honest (a frame that decodes to anything else is a fuzzer bug, thrown at once).
 */
const DECODES_TO: Record<Exclude<FrameClass, "invalid-utf8" | "oversize">, readonly string[]> = {
  "garbage-text": ["bad_encoding"],
  binary: ["bad_encoding"],
  "json-not-envelope": ["bad_encoding"],
  "envelope-bad-meta": ["bad_encoding", "invalid_message", "unknown_type"],
  "no-type": ["invalid_message"],
  "wrong-field-types": ["invalid_message"],
  "deep-nesting": ["bad_encoding"],
  "huge-string": ["unknown_type"],
  // Up to two million values: past the hub's bound (`MAX_AGENT_FRAME_VALUES`) it is fatal.
  "huge-wide": ["unknown_type", "bad_encoding"],
  "unknown-type": ["unknown_type"],
  "hello-replay": ["hello"],
  "hello-forged": ["hello"],
  "stray-valid": ["error", "content.ack"],
  "stray-answer": ["pong", "rpc.res"],
};

/** The exact answer `frame` must get, before (`authenticated` false) or after the handshake. */
export function expectationFor(frame: FuzzFrame, authenticated: boolean): Expectation {
  const size = frameSize(frame.data);
  // ws refuses these itself: a frame over maxPayload at its header, bad UTF-8 once it has it all.
  if (size > MAX_AGENT_FRAME_BYTES) return { answer: "close", close: CloseCode.messageTooBig };
  if (frame.cls === "invalid-utf8") return { answer: "close", close: INVALID_PAYLOAD };
  if (frame.cls === "oversize") throw new Error(`an oversize frame of ${size} bytes is not oversize`);
  // Before the hello, more than bytesBeforeHello is refused without being decoded.
  if (!authenticated && size > BYTES_BEFORE_HELLO) return { answer: "fatal", code: "frame_too_large", ref: undefined, close: CloseCode.protocolError };
  // A huge frame of an unknown type, with the id the generator put in: parsing megabytes here
  // would stall the fuzzer's thread, and with it the reading of the hub's log (a full pipe blocks
  // the hub). Only the hub's own pre-parse bound (nesting and values) is looked at.
  if (frame.id !== undefined && size > BYTES_BEFORE_HELLO) {
    const excess = jsonExceeds(frame.data as string, MAX_AGENT_FRAME_DEPTH, MAX_AGENT_FRAME_VALUES);
    if (excess === "values") return { answer: "fatal", code: "bad_encoding", ref: undefined, close: CloseCode.protocolError };
    if (excess === undefined) return { answer: "error", code: "unknown_type", ref: frame.id, bad: true };
  }
  const decoded = decodeAgentFrame(frame.data, frame.binary);
  const verdict = decoded.ok ? decoded.message.type : decoded.error.code;
  if (!DECODES_TO[frame.cls].includes(verdict)) throw new Error(`fuzzer bug: a ${frame.cls} frame decodes to ${verdict}: ${String(frame.data).slice(0, 200)}`);
  if (!decoded.ok) {
    const { code, ref, fatal } = decoded.error;
    // Before the hello nothing but a valid hello is acceptable: every decoding error is fatal.
    if (fatal || !authenticated) return { answer: "fatal", code, ref, close: CloseCode.protocolError };
    return { answer: "error", code, ref, bad: true };
  }
  const type = decoded.message.type;
  if (!authenticated) {
    // A hello signed over another connection's nonce, or by a key the hub never paired.
    if (type === "hello") return { answer: "fatal", code: "auth_failed", ref: undefined, close: CloseCode.authFailed };
    return { answer: "fatal", code: "unexpected_message", ref: undefined, close: CloseCode.protocolError };
  }
  if (type === "hello") return { answer: "error", code: "unexpected_message", ref: undefined, bad: true };
  // An answer to no ping or rpc call of the hub's: ignored, but a bad frame.
  if (type === "pong" || type === "rpc.res") return { answer: "silent", bad: true };
  return { answer: "silent", bad: false };
}
