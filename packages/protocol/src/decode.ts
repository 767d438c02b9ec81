import type { z } from "zod";
import { decodeText } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { AgentToHub } from "./messages/agent-to-hub.js";
import { HubToAgent } from "./messages/hub-to-agent.js";
import { MAX_AGENT_FRAME_BYTES, MAX_AGENT_FRAME_DEPTH, MAX_AGENT_FRAME_VALUES, MAX_HUB_FRAME_BYTES } from "./limits.js";
import { frameBytes, frameSize, type RawFrame } from "./raw-frame.js";
import type { FrameMac } from "./session-mac.js";
import { openHubFrame } from "./signing.js";
import type { KeyObject } from "node:crypto";

export type Decoded<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };

const agentTypes = new Set(AgentToHub.options.map((o) => o.shape.type.value));
const hubTypes = new Set(HubToAgent.options.map((o) => o.shape.type.value));

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** codec → envelope → schema. Unknown types are not fatal, so newer peers can talk to older ones. */
function decodeValidated<T>(text: string, schema: z.ZodType<T>, known: Set<string>, maxDepth = Infinity, maxValues = Infinity): Decoded<T> {
  let value: unknown;
  try {
    value = decodeText(text, maxDepth, maxValues);
  } catch (error) {
    return { ok: false, error: error as ProtocolError };
  }
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== "string") {
    return { ok: false, error: new ProtocolError("invalid_message", "frame has no string `type`") };
  }
  const ref = (value as { id?: unknown }).id;
  const refOption = typeof ref === "string" && ref.length <= 64 ? { ref } : {};
  if (!known.has(type)) {
    return {
      ok: false,
      error: new ProtocolError("unknown_type", `unknown message type "${type.slice(0, 64)}"`, { fatal: false, ...refOption }),
    };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      error: new ProtocolError("invalid_message", `invalid ${type}: ${summarise(parsed.error)}`, refOption),
    };
  }
  return { ok: true, message: parsed.data };
}

/** Hub side: bytes → text → codec → schema for one frame from an agent. Never throws. */
export function decodeAgentFrame(data: RawFrame, isBinary = false): Decoded<AgentToHub> {
  if (frameSize(data) > MAX_AGENT_FRAME_BYTES) {
    return { ok: false, error: new ProtocolError("frame_too_large", `frame exceeds ${MAX_AGENT_FRAME_BYTES} bytes`) };
  }
  if (isBinary) {
    return { ok: false, error: new ProtocolError("bad_encoding", "agent frames must be text") };
  }
  const text = typeof data === "string" ? data : Buffer.from(frameBytes(data)).toString("utf8");
  // Agents are untrusted: their frames' nesting and values are bounded. Hub frames are signed, so trusted.
  return decodeValidated(text, AgentToHub, agentTypes, MAX_AGENT_FRAME_DEPTH, MAX_AGENT_FRAME_VALUES);
}

/**
 * Agent side: signature → text → codec → schema for one frame from the hub. `context` is the
 * connection's challenge nonce ("" until the challenge has arrived). With `mac` (after a
 * session-mac welcome) the frame must carry the session key's tag for the next frame instead of
 * a signature; it counts the frame only if it verifies. Never throws.
 */
export function decodeHubFrame(data: RawFrame, hubKey: KeyObject, context: string, mac?: FrameMac): Decoded<HubToAgent> {
  if (frameSize(data) > MAX_HUB_FRAME_BYTES) {
    return { ok: false, error: new ProtocolError("frame_too_large", `frame exceeds ${MAX_HUB_FRAME_BYTES} bytes`) };
  }
  if (typeof data === "string") {
    return { ok: false, error: new ProtocolError("bad_signature", "hub frames must be signed binary frames") };
  }
  const text = mac ? mac.open(frameBytes(data)) : openHubFrame(hubKey, context, frameBytes(data));
  if (text === null) {
    return { ok: false, error: new ProtocolError("bad_signature", mac ? "hub frame session tag does not verify" : "hub frame signature does not verify") };
  }
  return decodeValidated(text, HubToAgent, hubTypes);
}
