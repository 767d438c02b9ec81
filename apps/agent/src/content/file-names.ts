import { createHash } from "node:crypto";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ContentKind } from "@canopy/protocol";

/**
 * Characters kept as they are in a file name: letters and digits of any script and a few
 * harmless marks. Everything else, including `/`, `\`, `%` and `~`, is percent-encoded (UTF-8),
 * so the mapping is one-to-one: two different names never share a file, and `%` / `~` in a
 * file name always mean an encoding or the hash suffix of a shortened name.
 */
const KEPT = /^[\p{L}\p{N} _\-.,()[\]&+@!'=#]$/u;
/** A name made of kept characters only: most names, checked with one test instead of one per character. */
const ALL_KEPT = /^[\p{L}\p{N} _\-.,()[\]&+@!'=#]+$/u;
/** File names are limited to 255 bytes; this leaves room for the extension and a temp suffix. */
const MAX_SEGMENT_BYTES = 200;
const HASH_SUFFIX_CHARS = 16;

function percentEncode(char: string): string {
  return Array.from(Buffer.from(char, "utf8"), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/**
 * One name (or one segment of a library path) as a single file name: never `.`, `..`, hidden,
 * empty or a path, and at most 200 bytes (a longer one is cut and ends in `~` and a hash of the
 * whole name).
 */
export function fileSafeSegment(segment: string): string {
  if (ALL_KEPT.test(segment) && !segment.startsWith(".") && !segment.endsWith(".") && !segment.endsWith(" ") && !isWindowsDeviceName(segment) && Buffer.byteLength(segment, "utf8") <= MAX_SEGMENT_BYTES) {
    return segment;
  }
  const tokens = Array.from(segment, (char) => (KEPT.test(char) ? char : percentEncode(char)));
  // No hidden files (and so no "." or ".."); no trailing dot or space (Windows drops them).
  if (tokens[0] === ".") tokens[0] = percentEncode(".");
  const last = tokens.length - 1;
  if (last >= 0 && (tokens[last] === "." || tokens[last] === " ")) tokens[last] = percentEncode(tokens[last]!);
  if (tokens.length === 0) return "%";
  // `CON`, `nul.txt`, `Com1 .x`: Windows opens the device, not a file. Encoding the first letter
  // (`%43ON.json`) keeps the name readable and the mapping one-to-one (a literal `%` is `%25`).
  if (isWindowsDeviceName(tokens.join(""))) tokens[0] = percentEncode(tokens[0]!);
  const encoded = tokens.join("");
  if (Buffer.byteLength(encoded, "utf8") <= MAX_SEGMENT_BYTES) return encoded;
  const suffix = `~${createHash("sha256").update(segment, "utf8").digest("hex").slice(0, HASH_SUFFIX_CHARS)}`;
  let kept = "";
  for (const token of tokens) {
    if (Buffer.byteLength(kept + token, "utf8") > MAX_SEGMENT_BYTES - suffix.length) break;
    kept += token;
  }
  return kept + suffix;
}

/** CON, PRN, AUX, NUL, COM0-9, LPT0-9 and COM¹²³ / LPT¹²³, in any case. */
const WINDOWS_DEVICES = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$/i;

/**
 * Whether Windows takes a file name for a device: its stem (up to the first dot, trailing spaces
 * dropped, as Windows does) is a reserved name, whatever follows (`NUL.tar.gz`, `CON .json`,
 * `AUX.`).
 */
export function isWindowsDeviceName(fileName: string): boolean {
  const dot = fileName.indexOf(".");
  let end = dot === -1 ? fileName.length : dot;
  while (end > 0 && fileName[end - 1] === " ") end--;
  return end <= 4 && WINDOWS_DEVICES.test(fileName.slice(0, end));
}

/**
 * The key under which case-insensitive file systems (Windows, macOS) see a path as one file:
 * `Rule A.json` and `rule a.json` are the same there. Folding more than a file system does only
 * costs a needless suffix; folding less would let one item overwrite another.
 */
export function foldCase(location: string): string {
  return location.toUpperCase().toLowerCase();
}

/** Sigma rules keep their YAML; everything else is pretty JSON. */
export function contentExtension(kind: ContentKind): ".yml" | ".json" {
  return kind === "siem-rule" ? ".yml" : ".json";
}

/**
 * Where the filesystem adapter keeps an item, relative to the content dir:
 * `<kind>/<file-safe name>.<yml|json>`, and for library items their path as folders
 * (`library/Admin Recommended/A/B.json`).
 */
export function contentRelativePath(kind: ContentKind, name: string): string {
  const segments = kind === "library" ? name.split("/") : [name];
  const safe = segments.map(fileSafeSegment);
  safe[safe.length - 1] += contentExtension(kind);
  return join(kind, ...safe);
}

/**
 * Resolves `relativePath` inside `contentDir`, refusing anything that would land outside it.
 * The names above never do; this also guards a location read back from the state files.
 */
export function insideContentDir(contentDir: string, relativePath: string): string {
  const root = resolve(contentDir);
  const target = resolve(root, relativePath);
  const rel = relative(root, target);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new Error(`refusing a content path outside ${root}: ${relativePath}`);
  }
  return target;
}
