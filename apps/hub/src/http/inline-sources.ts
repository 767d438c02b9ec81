import { createHash } from "node:crypto";

// `<script …>text</script>` without a `src`: the text is what the browser hashes. Script text is
// raw text in HTML, so the first `</script` ends it, exactly as the parser sees it.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC_ATTRIBUTE = /(?:^|\s)src\s*=/i;
// A static `style="…"` attribute, in HTML or in the HTML of a compiled Svelte template inside a
// JS string (where the quotes may be escaped as `\"`).
const STYLE_ATTRIBUTE = /\sstyle=(\\?)"([^"<>]*?)\1"/g;
const ENTITY = /&(?:(amp|quot|apos|lt|gt)|#(\d+)|#x([0-9a-f]+));/gi;
const NAMED: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">" };

function sha256Source(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The CSP sources (`'sha256-…'`) that let exactly these inline scripts run, so a page needs
 * neither 'unsafe-inline' nor a nonce. The HTML parser turns CR LF and lone CR into LF before
 * the browser hashes the text, so the same is done here.
 */
export function inlineScriptSources(html: string): string[] {
  const sources = new Set<string>();
  for (const [, attributes, text] of html.matchAll(SCRIPT)) {
    if (SRC_ATTRIBUTE.test(attributes!)) continue;
    sources.add(sha256Source(text!.replace(/\r\n?/g, "\n")));
  }
  return [...sources];
}

function decodeAttribute(raw: string): string {
  return raw
    .replace(/\\(.)/g, "$1")
    .replace(ENTITY, (_, name: string | undefined, decimal: string | undefined, hex: string | undefined) =>
      name ? NAMED[name.toLowerCase()]! : String.fromCodePoint(decimal ? Number(decimal) : Number.parseInt(hex!, 16)),
    );
}

/**
 * The CSP sources for the static style attributes written in `text` (HTML, or compiled JS whose
 * templates are HTML strings), for `style-src-attr 'unsafe-hashes'`. The browser hashes the
 * attribute's value as parsed, so escapes and entities are decoded first.
 */
export function styleAttributeSources(text: string): string[] {
  const sources = new Set<string>();
  for (const [, , raw] of text.matchAll(STYLE_ATTRIBUTE)) sources.add(sha256Source(decodeAttribute(raw!)));
  return [...sources];
}
