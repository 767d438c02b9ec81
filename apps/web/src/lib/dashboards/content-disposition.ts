/**
 * The file name a `Content-Disposition` header gives, so a download keeps the name the hub chose
 * (`Acme SOC 2025-01-31.xlsx`). RFC 6266: `filename*` (RFC 5987, UTF-8 percent-encoded) wins
 * over the plain `filename`; `fallback` when neither is there or both are unusable.
 */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      const name = safeName(decodeURIComponent(extended[2]!.trim().replace(/^"|"$/g, "")));
      if (name) return name;
    } catch {
      // A malformed escape: fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  const value = plain?.[1]?.replace(/\\(.)/g, "$1") ?? plain?.[2]?.trim();
  return (value && safeName(value)) || fallback;
}

/** No folders: a name is only ever a name, whatever the header says. */
function safeName(name: string): string {
  return name.replace(/[/\\]/g, "_").replace(/^\.+/, "").trim();
}
