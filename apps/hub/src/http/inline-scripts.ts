import { createHash } from "node:crypto";

// `<script …>text</script>` without a `src`: the text is what the browser hashes. Script text is
// raw text in HTML, so the first `</script` ends it, exactly as the parser sees it.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC_ATTRIBUTE = /(?:^|\s)src\s*=/i;

/**
 * The CSP sources (`'sha256-…'`) that let exactly these inline scripts run, so a page needs
 * neither 'unsafe-inline' nor a nonce. The HTML parser turns CR LF and lone CR into LF before
 * the browser hashes the text, so the same is done here.
 */
export function inlineScriptSources(html: string): string[] {
  const sources = new Set<string>();
  for (const [, attributes, text] of html.matchAll(SCRIPT)) {
    if (SRC_ATTRIBUTE.test(attributes!)) continue;
    const normalized = text!.replace(/\r\n?/g, "\n");
    sources.add(`'sha256-${createHash("sha256").update(normalized, "utf8").digest("base64")}'`);
  }
  return [...sources];
}
