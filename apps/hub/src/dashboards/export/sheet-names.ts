const MAX_LENGTH = 31;
// Excel refuses these in sheet names, and "History" is its own.
const ILLEGAL = /[\\/?*[\]:]/g;
const RESERVED = ["history"];

function sanitize(title: string): string {
  const cleaned = title
    .replace(ILLEGAL, "_")
    // eslint-disable-next-line no-control-regex -- control characters are not allowed either
    .replace(/[\u0000-\u001f]/g, " ")
    .trim()
    .replace(/^'+|'+$/g, "")
    .trim();
  return cleaned.slice(0, MAX_LENGTH).trim() || "Widget";
}

/**
 * A valid, unique sheet name per title (Excel: at most 31 characters, none of \ / ? * [ ] :,
 * no leading or trailing apostrophe, unique without regard to case). Duplicates get " (2)", " (3)", ….
 * `taken` are names already used (the summary sheet).
 */
export function sheetNames(titles: readonly string[], taken: readonly string[] = []): string[] {
  const used = new Set([...RESERVED, ...taken.map((name) => name.toLowerCase())]);
  return titles.map((title) => {
    const base = sanitize(title);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = `${base.slice(0, MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
    }
    used.add(name.toLowerCase());
    return name;
  });
}
