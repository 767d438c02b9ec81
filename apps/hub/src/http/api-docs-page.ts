/**
 * The API docs page: the hub's own OpenAPI document rendered by Scalar's browser bundle, every
 * byte from the hub's origin.
 */

/**
 * What Scalar is told. Left to its defaults it would reach other sites, which this page never
 * does (its policy allows only the hub's origin, and it must work without the internet):
 * - `withDefaultFonts: false`: its Inter / JetBrains Mono come from fonts.scalar.com; system fonts instead.
 * - `telemetry: false`: usage events to Scalar.
 * - `showDeveloperTools: "never"`: a toolbar (shown on localhost) that links to Scalar's hosted services.
 * - `agent.disabled`: "Ask AI", a chat with Scalar's hosted agent about the document.
 * - `hideClientButton`: "Open API Client" opens the document in Scalar's hosted client.
 * "Test Request" stays: it calls the hub from this page, with the reader's own session cookie,
 * through the same authentication and permission checks as the web UI's requests.
 */
export function scalarConfiguration(documentUrl: string): Record<string, unknown> {
  return {
    url: documentUrl,
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    hideClientButton: true,
    documentDownloadType: "json",
    persistAuth: false,
  };
}

/**
 * Runs before the bundle (so Zod inside it reads the setting), then mounts the reference once the
 * bundle has defined `Scalar`. Zod would otherwise probe for eval with `Function("")`: harmless
 * (it falls back), but a violation of this page's policy, which allows no eval.
 */
export function startScript(configuration: Record<string, unknown>): string {
  return [
    "globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });",
    'document.addEventListener("DOMContentLoaded", function () {',
    `  Scalar.createApiReference("#api-docs", ${JSON.stringify(configuration)});`,
    "});",
    "",
  ].join("\n");
}

/**
 * The page: no inline script or style, only the two scripts by their hashed names. The mount
 * point is not `#api-reference`: the bundle mounts an element with that id by itself, with its
 * default configuration (fonts from Scalar's CDN and all).
 */
export function docsPage(scripts: { start: string; bundle: string }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Canopy hub API</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="api-docs"></div>
    <script src="${scripts.start}"></script>
    <script src="${scripts.bundle}"></script>
  </body>
</html>
`;
}

/**
 * The page's own policy, stricter than the UI's for scripts and looser for styles only:
 * - scripts: the hub's files only; no inline script, no eval (see `startScript`).
 * - styles: 'unsafe-inline', because Scalar writes styles it cannot give a nonce or hash: its
 *   theme and toast styles are `<style>` elements made at run time (its own stylesheet does take a
 *   nonce, these do not), and code samples and layout set `style` attributes whose values vary.
 *   What an injected style could do is bounded by the rest: no image, font or request leaves the
 *   hub's origin (no exfiltration through CSS), nothing can frame the page, and it renders the
 *   hub's own document (no user content), with no secret on it.
 * - connect: the hub only (the document, and "Test Request" calls).
 */
export const API_DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
