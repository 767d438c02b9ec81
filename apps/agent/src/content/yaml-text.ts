/**
 * A small YAML writer for JSON-shaped data (objects, arrays, strings, numbers, booleans, null),
 * used for a Sigma rule that arrives without its original text. Block style, two-space indent.
 * A string is written plain only when no YAML reader could take it for anything else; otherwise
 * it is double-quoted with JSON escapes, which are valid YAML escapes too.
 */
const PLAIN = /^[A-Za-z_][\w ./()|*@-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  const text = typeof value === "string" ? value : String(value);
  if (PLAIN.test(text) && !text.endsWith(" ") && !text.includes(" #") && !text.includes(": ") && !RESERVED.test(text)) return text;
  return JSON.stringify(text);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      if (isObject(item) && Object.keys(item).length > 0) {
        const [first, ...rest] = lines(item, `${indent}  `);
        return [`${indent}- ${first!.trimStart()}`, ...rest];
      }
      if (Array.isArray(item) && item.length > 0) return [`${indent}-`, ...lines(item, `${indent}  `)];
      return [`${indent}- ${inline(item)}`];
    });
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([key, v]) => {
      const nested = (isObject(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0);
      return nested ? [`${indent}${scalar(key)}:`, ...lines(v, `${indent}  `)] : [`${indent}${scalar(key)}: ${inline(v)}`];
    });
  }
  return [`${indent}${scalar(value)}`];
}

/** Empty collections and scalars fit on the line of their key or dash. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return "[]";
  if (isObject(value)) return "{}";
  return scalar(value);
}

export function toYaml(value: unknown): string {
  return `${lines(value, "").join("\n")}\n`;
}
