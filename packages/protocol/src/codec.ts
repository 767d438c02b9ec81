import superjson from "superjson";
import { ProtocolError } from "./errors.js";

/**
 * The wire codec: superjson over JSON text, so Dates, Maps and bigints survive the trip.
 * This is the only place that knows the encoding.
 */
export function encodeMessage(message: unknown): string {
  // superjson walks every value (with paths and an identity map) to find what JSON cannot carry;
  // a value with none of it encodes as `{"json": <its JSON>}`. Checking that is a fraction of the
  // walk, and content batches (megabytes of plain JSON per tenant) are most of what the hub sends.
  if (isPlainJson(message, 0)) return JSON.stringify({ json: message });
  return superjson.stringify(message);
}

const MAX_PLAIN_DEPTH = 64;

/** Whether JSON carries `value` exactly: no Date, Map, undefined, NaN, -0, class instance, … */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth >= MAX_PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === "__proto__" || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * What makes `text` (JSON) too costly to parse, found in one pass that stops at the first excess,
 * without parsing: objects and arrays nested deeper than `maxDepth`, or more than `maxValues`
 * values (counted by the commas and opening brackets between them). Brackets and commas inside
 * strings do not count.
 */
export function jsonExceeds(text: string, maxDepth: number, maxValues = Infinity): "depth" | "values" | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c) {
      if (++values > maxValues) return "values";
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return "depth";
      if (++values > maxValues) return "values";
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Whether `text` (JSON) nests objects or arrays deeper than `max` (see `jsonExceeds`). */
export function nestsDeeperThan(text: string, max: number): boolean {
  return jsonExceeds(text, max) === "depth";
}

/**
 * Text → value. Throws a `bad_encoding` ProtocolError; never anything else. With `maxDepth` or
 * `maxValues`, text nested deeper or holding more values is refused before it is parsed (parsing
 * and walking such text is what costs).
 */
export function decodeText(text: string, maxDepth = Infinity, maxValues = Infinity): unknown {
  const excess = maxDepth === Infinity && maxValues === Infinity ? undefined : jsonExceeds(text, maxDepth, maxValues);
  if (excess === "depth") throw new ProtocolError("bad_encoding", `frame nests deeper than ${maxDepth} levels`);
  if (excess === "values") throw new ProtocolError("bad_encoding", `frame holds more than ${maxValues} values`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProtocolError("bad_encoding", "frame is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || !("json" in parsed)) {
    throw new ProtocolError("bad_encoding", "frame is not a superjson envelope");
  }
  const values = (parsed as { meta?: { values?: unknown } }).meta?.values;
  if (values !== undefined && !annotationTree(values)) throw new ProtocolError("bad_encoding", "frame has invalid superjson metadata");
  try {
    // In place: the parsed value is this call's own, and copying it doubled the cost of a big frame.
    return superjson.deserialize(parsed as Parameters<typeof superjson.deserialize>[0], { inPlace: true });
  } catch {
    throw new ProtocolError("bad_encoding", "frame has invalid superjson metadata");
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const annotation = (value: unknown) => typeof value === "string" || (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string");

/**
 * Whether `tree` has the shape superjson writes its value annotations in: `[annotation]`,
 * `[annotation, {path: tree}]` or `{path: tree}`, an annotation being `"Date"` or `["class", "X"]`.
 * superjson walks anything else without end (a string where a tree belongs is walked character
 * by character, a level each) until the stack overflows: milliseconds of the hub's thread and a
 * stack overflow for a 100-byte frame, before any hello. Recursion here is bounded: the text's
 * nesting is (`maxDepth`), and this walks only what JSON nested.
 */
function annotationTree(tree: unknown): boolean {
  if (isRecord(tree)) return Object.values(tree).every(annotationTree);
  if (!Array.isArray(tree) || tree.length < 1 || tree.length > 2 || !annotation(tree[0])) return false;
  return tree.length === 1 || (isRecord(tree[1]) && Object.values(tree[1]).every(annotationTree));
}
