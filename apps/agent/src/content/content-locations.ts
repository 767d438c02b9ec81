import { createHash } from "node:crypto";
import type { ContentKind } from "@canopy/protocol";
import { contentExtension, contentRelativePath, foldCase } from "./file-names.js";
import { contentId, type ManifestDoc } from "./manifest.js";

/** Hex characters of the name's hash first tried as a suffix; longer only if that is taken too. */
const SUFFIX_CHARS = 8;
const MAX_SUFFIX_CHARS = 64;

/**
 * Where the filesystem adapter keeps each item, chosen once and kept. The file-safe name
 * (`contentRelativePath`) is one-to-one, but `Rule A` and `rule a` still share a file on Windows
 * and macOS, so the later one silently overwrote the earlier. Here an item whose file would
 * case-fold to one that another item of its kind holds gets `~` and a hash of its name before the
 * extension (`custom-field/rule a~3f1c9a0b.json`: a name never holds a bare `~`, so this is
 * never another item's plain name). An item keeps the location the manifest records for it, so
 * files already in the field never move when the naming rules change.
 */
export class ContentLocations {
  readonly #byId = new Map<string, string>();
  /** Case-folded location → the item holding it. */
  readonly #holders = new Map<string, string>();

  /** The locations the manifest records for filesystem items (readManifest's order: by kind, name). */
  static fromManifest(entries: Iterable<ManifestDoc>): ContentLocations {
    const locations = new ContentLocations();
    for (const entry of entries) {
      if (entry.adapter !== "filesystem" || entry.location === undefined || !isOwnLocation(entry.kind, entry.location)) continue;
      locations.#reserve(entry.id, entry.location);
    }
    return locations;
  }

  /** The file of an item, relative to the content dir; from now on it is that item's. */
  locate(kind: ContentKind, name: string): string {
    const id = contentId(kind, name);
    const held = this.#byId.get(id);
    if (held !== undefined) return held;
    const plain = contentRelativePath(kind, name);
    let location = plain;
    for (let chars = SUFFIX_CHARS; this.#takenByAnother(location, id) && chars <= MAX_SUFFIX_CHARS; chars *= 2) {
      location = withSuffix(plain, kind, name, chars);
    }
    this.#reserve(id, location);
    return location;
  }

  #takenByAnother(location: string, id: string): boolean {
    const holder = this.#holders.get(foldCase(location));
    return holder !== undefined && holder !== id;
  }

  #reserve(id: string, location: string): void {
    this.#byId.set(id, location);
    const key = foldCase(location);
    if (!this.#holders.has(key)) this.#holders.set(key, id);
  }
}

function withSuffix(plain: string, kind: ContentKind, name: string, chars: number): string {
  const extension = contentExtension(kind);
  const hash = createHash("sha256").update(name, "utf8").digest("hex").slice(0, chars);
  return `${plain.slice(0, -extension.length)}~${hash}${extension}`;
}

/**
 * A recorded location the adapter could have made for this kind: under the kind's folder, with
 * its extension, no `.`/`..` segments. Anything else (a hand-edited state file) is ignored, and
 * the item gets a fresh location.
 */
function isOwnLocation(kind: ContentKind, location: string): boolean {
  const segments = location.split(/[\\/]/);
  return (
    segments.length >= 2 &&
    segments[0] === kind &&
    location.endsWith(contentExtension(kind)) &&
    segments.slice(1).every((segment) => segment !== "" && segment !== "." && segment !== "..")
  );
}
