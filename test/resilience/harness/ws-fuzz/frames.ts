import { APPLY_STATUSES, CONTENT_KINDS, ErrorCode, MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import fc from "fast-check";

/** What kind of bad (or odd) input a frame is; the oracle's expectation depends on it. */
export type FrameClass =
  | "garbage-text"
  | "invalid-utf8"
  | "binary"
  | "json-not-envelope"
  | "envelope-bad-meta"
  | "no-type"
  | "wrong-field-types"
  | "deep-nesting"
  | "huge-string"
  | "huge-wide"
  | "oversize"
  | "unknown-type"
  | "hello-replay"
  | "hello-forged"
  | "stray-valid"
  | "stray-answer";

/**
 * One generated frame. `hello-replay` frames are made at send time (they need a signature
 * over another connection's nonce), so they carry no bytes here. What the hub must answer is
 * the oracle's business (`oracle.ts`), from the frame itself.
 */
export interface FuzzFrame {
  cls: FrameClass;
  data: string | Buffer;
  /** Sent as a binary frame (else as text, even when `data` is a Buffer). */
  binary: boolean;
  /** The `id` inside a huge frame, so the oracle need not parse megabytes to know it. */
  id?: string;
}

const text = (cls: FrameClass, data: string, id?: string): FuzzFrame => ({ cls, data, binary: false, ...(id === undefined ? {} : { id }) });
/**
 * A superjson envelope written with JSON.stringify: superjson's own encoder refuses keys such as
 * `__proto__`, and a fuzzer must be able to send them.
 */
const envelope = (json: unknown, meta?: unknown) => JSON.stringify(meta === undefined ? { json } : { json, meta });
/** For frames the hub must read as well-formed: no key that superjson refuses as prototype pollution. */
const wellFormed = (text: string) => !/"(__proto__|constructor|prototype)"\s*:/.test(text);

const id = fc.string({ minLength: 1, maxLength: 64 });
const anyString = fc.string({ unit: "binary", maxLength: 80 });
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notAnArray = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notABoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }));
const notAPositiveInt = fc.oneof(fc.string(), fc.constant(null), fc.constant(0), fc.integer({ max: -1 }), fc.double({ min: 0.1, max: 1e9, noInteger: true }));
const unknownType = fc.string({ minLength: 1, maxLength: 40 }).map((t) => `fuzz.${t}`);

/** Known message types with one field replaced by a value of the wrong type: always invalid. */
const wrongFieldTypes: fc.Arbitrary<FuzzFrame> = fc
  .oneof(
    fc.record({ type: fc.constant("pong"), id: notAString }),
    fc.record({ type: fc.constant("rpc.res"), id, ok: notABoolean }),
    fc.record({ type: fc.constant("rpc.res"), id: notAString, ok: fc.boolean() }),
    fc.record({ type: fc.constant("unpair"), reason: notAString }),
    fc.record({ type: fc.constant("error"), code: fc.string(), message: fc.string() }).filter((m) => !ERROR_CODES.has(m.code)),
    fc.record({ type: fc.constant("content.ack"), batchId: id, results: notAnArray }),
    fc.record({ type: fc.constant("content.ack"), batchId: id, results: fc.array(jsonValue, { minLength: 1, maxLength: 3 }) }).filter((m) => m.results.some((r) => r === null || typeof r !== "object")),
    fc.record({ type: fc.constant("content.manifest"), items: notAnArray }),
    fc.record({ type: fc.constant("content.drift"), items: fc.oneof(notAnArray, fc.constant([])) }),
    fc.record({ type: fc.constant("insights.upsert"), seq: notAPositiveInt, insights: fc.constant([]) }),
    fc.record({ type: fc.constant("insight.update.ack"), results: fc.oneof(notAnArray, fc.constant([])) }),
    fc.record({ type: fc.constant("hello"), agentId: notAString, signature: fc.string(), agentVersion: fc.string(), hostname: fc.string(), platform: fc.string(), capabilities: fc.constant([]) }),
  )
  .map((m) => text("wrong-field-types", envelope(m)));

const ERROR_CODES: ReadonlySet<string> = new Set(ErrorCode.options);

const applyResult = fc.record(
  {
    kind: fc.constantFrom(...CONTENT_KINDS),
    name: fc.string({ minLength: 1, maxLength: 40 }),
    revision: fc.nat(),
    hash: fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`),
    status: fc.constantFrom(...APPLY_STATUSES),
    error: fc.string({ maxLength: 60 }),
  },
  { requiredKeys: ["kind", "name", "revision", "hash", "status"] },
);

/** Nested arrays/objects `depth` deep, built iteratively (the generator must not overflow either). */
function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "0" + "}".repeat(depth);
}

export const frameArbitraries: Record<Exclude<FrameClass, "hello-replay">, fc.Arbitrary<FuzzFrame>> = {
  "garbage-text": fc.string({ unit: "binary", minLength: 1, maxLength: 200 }).filter((s) => !isJson(s)).map((s) => text("garbage-text", s)),
  "invalid-utf8": fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ cls: "invalid-utf8" as const, data: Buffer.concat([Buffer.from(bytes), Buffer.from([0xc3, 0x28, 0xff])]), binary: false })),
  binary: fc.oneof(fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)), fc.constant(Buffer.from(envelope({ type: "pong", id: "x" })))).map((data) => ({ cls: "binary" as const, data, binary: true })),
  "json-not-envelope": fc.oneof(jsonValue, fc.record({ type: fc.constant("pong"), id })).filter((v) => v === null || typeof v !== "object" || Array.isArray(v) || !("json" in v)).map((v) => text("json-not-envelope", JSON.stringify(v))),
  "envelope-bad-meta": fc
    .tuple(id, fc.oneof(jsonValue, fc.record({ values: fc.dictionary(fc.constantFrom("type", "id", "x", "type.0", "__proto__"), fc.oneof(fc.constantFrom(["Date"], ["bigint"], ["undefined"], ["set"], ["map"], ["regexp"], ["class", "X"], ["custom", "X"]), jsonValue)) })))
    .map(([ref, meta]) => text("envelope-bad-meta", envelope({ type: "fuzz.meta", id: ref }, meta))),
  "no-type": fc.oneof(jsonValue, fc.record({ type: notAString, id })).filter((v) => v === null || typeof v !== "object" || Array.isArray(v) || typeof (v as { type?: unknown }).type !== "string").map((v) => text("no-type", envelope(v))),
  "wrong-field-types": wrongFieldTypes,
  // Refused before parsing, so its id is never read: the error carries no ref.
  "deep-nesting": fc.tuple(id, fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom("array" as const, "object" as const)).map(([ref, depth, kind]) => text("deep-nesting", `{"json":{"type":"fuzz.deep","id":${JSON.stringify(ref)},"payload":${nested(depth, kind)}}}`)),
  "huge-string": fc.tuple(id, fc.integer({ min: 64 * 1024, max: MAX_AGENT_FRAME_BYTES - 1024 })).map(([ref, size]) => text("huge-string", envelope({ type: "fuzz.huge", id: ref, payload: "x".repeat(size) }), ref)),
  // As large, but a million tiny values: what costs is parsing, not bytes.
  "huge-wide": fc
    .tuple(id, fc.integer({ min: 16 * 1024, max: Math.floor((MAX_AGENT_FRAME_BYTES - 1024) / 2) }))
    .map(([ref, n]) => text("huge-wide", `{"json":{"type":"fuzz.wide","id":${JSON.stringify(ref)},"payload":[${"0,".repeat(n)}0]}}`, ref)),
  oversize: fc.integer({ min: MAX_AGENT_FRAME_BYTES + 1, max: MAX_AGENT_FRAME_BYTES + 64 * 1024 }).map((size) => text("oversize", "x".repeat(size))),
  "unknown-type": fc
    .tuple(unknownType, fc.option(fc.oneof(id, fc.string({ minLength: 65, maxLength: 80 }), notAString), { nil: undefined }), fc.dictionary(fc.string({ maxLength: 10 }), jsonValue, { maxKeys: 4 }))
    .map(([type, ref, extra]) => text("unknown-type", envelope({ ...extra, type, ...(ref === undefined ? {} : { id: ref }) })))
    .filter((f) => wellFormed(f.data as string)),
  "hello-forged": fc
    .tuple(fc.stringMatching(/^[a-z]{2,8}_[A-Za-z0-9_-]{8,64}$/), fc.stringMatching(/^[A-Za-z0-9_-]{86}$/))
    .map(([agentId, signature]) => text("hello-forged", envelope({ type: "hello", agentId, signature, agentVersion: "0.0.0-fuzz", hostname: "fuzz", platform: "linux", capabilities: [] }))),
  // Valid frames that ask nothing and are no offence: the hub reads them and answers nothing.
  "stray-valid": fc
    .oneof(
      fc.record({ type: fc.constant("error"), code: fc.constantFrom(...ErrorCode.options), message: anyString, ref: fc.option(id, { nil: undefined }) }, { requiredKeys: ["type", "code", "message"] }),
      fc.record({ type: fc.constant("content.ack"), batchId: id, results: fc.array(applyResult, { maxLength: 5 }) }),
    )
    .map((m) => text("stray-valid", envelope(m)))
    .filter((f) => wellFormed(f.data as string)),
  // Valid answers to nothing the hub asked: no answer, but each one counts against the bad-frame budget.
  "stray-answer": fc
    .oneof(
      fc.record({ type: fc.constant("pong"), id }),
      fc.record({ type: fc.constant("rpc.res"), id, ok: fc.constant(false), error: fc.record({ code: fc.constant("internal"), message: fc.string({ maxLength: 100 }) }) }),
      fc.record({ type: fc.constant("rpc.res"), id, ok: fc.constant(true), result: jsonValue }),
    )
    .map((m) => text("stray-answer", envelope(m)))
    .filter((f) => wellFormed(f.data as string)),
};

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
