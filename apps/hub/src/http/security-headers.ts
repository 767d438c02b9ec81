import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { HubEnv, UiFile } from "./context.js";

/**
 * Anything that is not a UI page (the API, problems, 404s, event streams, downloads, the OpenAPI
 * document, /healthz) loads nothing and is framed by nobody.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * A UI page: its own scripts, styles, images and API only. Inline scripts run only when their
 * sha256 is listed (SvelteKit's bootstrap script in the shell), and style attributes only with
 * a listed value (SvelteKit's route announcer); no 'unsafe-inline' for scripts or styles (Svelte 5
 * sets dynamic styles through the CSSOM, which CSP does not restrict).
 * `frame-ancestors 'none'`: push, unpair and delete cannot be clickjacked from another page.
 */
export function uiContentSecurityPolicy(page: UiFile): string {
  const { inlineScripts = [], styleAttributes = [] } = page;
  return [
    "default-src 'self'",
    ["script-src 'self'", ...inlineScripts].join(" "),
    "style-src 'self'",
    ...(styleAttributes.length > 0 ? [["style-src-attr 'unsafe-hashes'", ...styleAttributes].join(" ")] : []),
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The security headers of every answer, in one place. The headers every answer shares come from
 * Hono's `secureHeaders` (nosniff, X-Frame-Options DENY, Referrer-Policy no-referrer,
 * cross-origin isolation of resources and windows); the policy and caching depend on what was
 * served: files of the built UI keep their own caching, everything else is `no-store` (answers
 * carry tenants' data and must not linger in caches). No HSTS: the hub speaks plain HTTP itself,
 * and whether a whole domain is HTTPS-only is the TLS proxy's decision.
 */
export function securityHeaders(): MiddlewareHandler<HubEnv> {
  const shared = secureHeaders({
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    strictTransportSecurity: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
  return (c, next) =>
    shared(c, async () => {
      await next();
      const uiFile = c.get("uiFile");
      const headers = c.res.headers;
      if (uiFile === undefined) {
        headers.set("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);
        headers.set("Cache-Control", "no-store");
      } else {
        headers.set("Content-Security-Policy", uiContentSecurityPolicy(uiFile));
      }
    });
}
