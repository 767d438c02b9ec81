import { describe, expect, it, vi } from "vitest";
import { encodeMessage } from "./codec.js";
import { decodeAgentFrame, decodeHubFrame } from "./decode.js";
import { encodeAgentMessage, sealHubMessage } from "./encode.js";
import { MAX_AGENT_FRAME_BYTES, MAX_AGENT_FRAME_DEPTH, MAX_AGENT_FRAME_VALUES } from "./limits.js";
import { generateKeyPair, importPublicKey, loadPrivateKey } from "./signing.js";

const pong = { type: "pong", id: "p1" } as const;

describe("decodeAgentFrame", () => {
  it("round-trips a valid message", () => {
    const result = decodeAgentFrame(encodeAgentMessage(pong));
    expect(result).toEqual({ ok: true, message: pong });
  });

  it("accepts Buffers and ArrayBuffers as text frames", () => {
    const bytes = Buffer.from(encodeAgentMessage(pong));
    expect(decodeAgentFrame(bytes).ok).toBe(true);
    expect(decodeAgentFrame(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).ok).toBe(true);
  });

  it("rejects a frame that is not JSON with a fatal bad_encoding error", () => {
    const result = decodeAgentFrame("{nope");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("bad_encoding");
      expect(result.error.fatal).toBe(true);
    }
  });

  it("rejects JSON that is not a superjson envelope", () => {
    const result = decodeAgentFrame(JSON.stringify({ type: "pong", id: "x" }));
    expect(!result.ok && result.error.code).toBe("bad_encoding");
  });

  it("rejects binary agent frames", () => {
    const result = decodeAgentFrame(Buffer.from(encodeAgentMessage(pong)), true);
    expect(!result.ok && result.error.code).toBe("bad_encoding");
  });

  it("rejects an oversize frame before parsing it", () => {
    const huge = "x".repeat(MAX_AGENT_FRAME_BYTES + 1);
    const result = decodeAgentFrame(huge);
    expect(!result.ok && result.error.code).toBe("frame_too_large");
  });

  it("refuses a frame nested deeper than MAX_AGENT_FRAME_DEPTH as fatal bad_encoding, without parsing it", () => {
    const depth = 100_000;
    const deep = `{"json":{"type":"telepathy.send","id":"r1","payload":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    const parse = vi.spyOn(JSON, "parse");
    try {
      const result = decodeAgentFrame(deep);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("bad_encoding");
        expect(result.error.fatal).toBe(true);
        expect(result.error.message).toMatch(/deeper than 64/);
      }
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it("decodes a frame nested right up to the limit, and does not count brackets inside strings", () => {
    // The envelope and the rpc.res object are two levels; the result fills the rest.
    const inner = MAX_AGENT_FRAME_DEPTH - 2;
    const result = JSON.parse(`${"[".repeat(inner)}"[[[[{{{{"${"]".repeat(inner)}`) as unknown;
    const decoded = decodeAgentFrame(encodeMessage({ type: "rpc.res", id: "r2", ok: true, result }));
    expect(decoded.ok).toBe(true);
    const tooDeep = decodeAgentFrame(encodeMessage({ type: "rpc.res", id: "r3", ok: true, result: [result] }));
    expect(!tooDeep.ok && tooDeep.error.code).toBe("bad_encoding");
  });

  it("refuses a frame of more than MAX_AGENT_FRAME_VALUES values as fatal bad_encoding, without parsing it", () => {
    // Two million zeros: 4 MiB that took the hub 50–150 ms to parse.
    const wide = `{"json":{"type":"fuzz.wide","id":"w1","payload":[${"0,".repeat(2_000_000)}0]}}`;
    const parse = vi.spyOn(JSON, "parse");
    try {
      const result = decodeAgentFrame(wide);
      expect(!result.ok && { code: result.error.code, fatal: result.error.fatal, message: result.error.message }).toEqual({ code: "bad_encoding", fatal: true, message: `frame holds more than ${MAX_AGENT_FRAME_VALUES} values` });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it("decodes a frame of values right up to the limit, and does not count commas inside strings", () => {
    // The envelope, the message and its members are a few values; the result fills the rest.
    const result = Array.from({ length: MAX_AGENT_FRAME_VALUES - 10 }, () => 0);
    expect(decodeAgentFrame(encodeMessage({ type: "rpc.res", id: "r4", ok: true, result })).ok).toBe(true);
    const tooMany = decodeAgentFrame(encodeMessage({ type: "rpc.res", id: "r5", ok: true, result: [...result, ...result.slice(0, 20)] }));
    expect(!tooMany.ok && tooMany.error.message).toMatch(/more than 500000 values/);
    const commas = decodeAgentFrame(encodeMessage({ type: "rpc.res", id: "r6", ok: true, result: ",".repeat(MAX_AGENT_FRAME_VALUES * 2) }));
    expect(commas.ok).toBe(true);
  });

  it("reports an unknown type as non-fatal, with the request id as ref", () => {
    const result = decodeAgentFrame(encodeMessage({ type: "telepathy.send", id: "r7" }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("unknown_type");
      expect(result.error.fatal).toBe(false);
      expect(result.error.ref).toBe("r7");
    }
  });

  it("says which field is wrong in a known message", () => {
    const result = decodeAgentFrame(encodeMessage({ type: "hello", agentId: "agt_12345678", signature: "short" }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid_message");
      expect(result.error.message).toMatch(/signature/);
      expect(result.error.fatal).toBe(true);
    }
  });

  it("drops fields a message does not define (identity never rides in the payload)", () => {
    const result = decodeAgentFrame(encodeMessage({ ...pong, tenantId: "ten_someoneelse" }));
    expect(result).toEqual({ ok: true, message: pong });
  });
});

describe("decodeHubFrame", () => {
  const hub = generateKeyPair();
  const hubPrivate = loadPrivateKey(hub.privateKeyPem);
  const hubPublic = importPublicKey(hub.publicKey);
  const ping = { type: "ping", id: "q", sentAt: 1 } as const;

  it("opens a frame sealed by the pinned hub key for this connection", () => {
    const frame = sealHubMessage(hubPrivate, "nonce-a", ping);
    expect(decodeHubFrame(frame, hubPublic, "nonce-a")).toEqual({ ok: true, message: ping });
  });

  it("refuses a frame signed by another key", () => {
    const other = loadPrivateKey(generateKeyPair().privateKeyPem);
    const result = decodeHubFrame(sealHubMessage(other, "n", ping), hubPublic, "n");
    expect(!result.ok && result.error.code).toBe("bad_signature");
  });

  it("refuses a frame replayed from another connection", () => {
    const result = decodeHubFrame(sealHubMessage(hubPrivate, "conn-1", ping), hubPublic, "conn-2");
    expect(!result.ok && result.error.code).toBe("bad_signature");
  });

  it("refuses a tampered payload", () => {
    const frame = sealHubMessage(hubPrivate, "n", ping);
    frame[frame.length - 3]! ^= 1;
    const result = decodeHubFrame(frame, hubPublic, "n");
    expect(!result.ok && result.error.code).toBe("bad_signature");
  });

  it("refuses unsigned text frames", () => {
    const result = decodeHubFrame(encodeMessage(ping), hubPublic, "n");
    expect(!result.ok && result.error.code).toBe("bad_signature");
  });
});
