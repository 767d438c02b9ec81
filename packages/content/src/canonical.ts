import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted (UTF-16 code unit order, as RFC 8785) and no whitespace, so the
 * same document always gives the same text whatever its key order or formatting. Array order is
 * kept: it is meaningful (commands, tags, rule lists). Follows JSON.stringify otherwise:
 * `undefined` members are dropped, `toJSON` is honoured, non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set());
  return out ?? "null";
}

/** `sha256:` + hex SHA-256 of `canonicalJson(value)`: the content hash hub and agent compare. */
export function canonicalHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value), "utf8").digest("hex")}`;
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("canonicalJson: BigInt is not JSON");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError("canonicalJson: circular structure");
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => write(item, ancestors) ?? "null").join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = write(record[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(object);
  }
}
