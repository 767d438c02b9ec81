import type { z } from "zod";

/** One thing wrong with a document, and where: `path` like `workflow.action--1.commands[0].type` ("" = the document itself). */
export type ValidationIssue = { path: string; message: string };

export type Validated<T> = { ok: true; value: T; name: string } | { ok: false; issues: ValidationIssue[] };

type PathSegment = PropertyKey;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Renders a path as `a.b[0].c`; keys that are not plain identifiers are quoted: `cases["on hold"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += PLAIN_KEY.test(key) ? (out === "" ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function issue(path: readonly PathSegment[], message: string): ValidationIssue {
  return { path: formatPath(path), message };
}

/**
 * Runs a zod schema and turns its issues into ValidationIssues under `prefix`. `reportInput` lets
 * the messages name what was found ("must be a string (got number)").
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PathSegment[] = [],
): { ok: true; value: z.infer<S> } | { ok: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map((zodIssue) => issue([...prefix, ...zodIssue.path], describeZodIssue(zodIssue))) };
}

// zod's own messages start with "Invalid …"; messages written in our schemas are kept as they are.
const ZOD_DEFAULT_MESSAGE = /^Invalid (input|option)/;

function describeZodIssue(zodIssue: z.core.$ZodIssue): string {
  if (zodIssue.code === "unrecognized_keys") {
    return `unknown ${zodIssue.keys.length === 1 ? "property" : "properties"}: ${zodIssue.keys.join(", ")}`;
  }
  if (!ZOD_DEFAULT_MESSAGE.test(zodIssue.message)) return zodIssue.message;
  if ((zodIssue.code === "invalid_type" || zodIssue.code === "invalid_value") && zodIssue.input === undefined) return "is required";
  if (zodIssue.code === "invalid_type") return `must be ${article(zodIssue.expected)} (got ${describeValue(zodIssue.input)})`;
  if (zodIssue.code === "invalid_value") {
    const found = describeValue(zodIssue.input);
    return zodIssue.values.length === 1
      ? `must be ${JSON.stringify(zodIssue.values[0])} (got ${found})`
      : `must be one of ${zodIssue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${found})`;
  }
  return zodIssue.message;
}

function article(expected: string): string {
  const noun = expected === "int" ? "integer" : expected === "record" ? "object" : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** A short description of a found value for messages: its JSON if short, else its type. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value.length <= 40 ? JSON.stringify(value) : "a long string";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

export function ok<T>(value: T, name: string): Validated<T> {
  return { ok: true, value, name };
}

export function failed<T>(issues: ValidationIssue[]): Validated<T> {
  return { ok: false, issues };
}
