import type { Context } from "hono";
import { httpOrigin } from "../core/http-origin.js";

/**
 * Is this request from a page of the hub itself (or not from a browser at all)? A browser acting
 * for a victim always sends `Origin` on a write, or at least `Sec-Fetch-Site`, so:
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` (or `none`: typed or bookmarked by the
 *   user); `same-site` is refused too, since a sibling subdomain is another application;
 * - `Origin`, when sent, must be the hub's own origin, scheme, host and port alike: the one this
 *   request was addressed to, or the configured public origin. `Origin: null` (sandboxed frames,
 *   some redirects, file: pages) is never the hub.
 * Both must hold when both are sent: one does not vouch for the other. A request with neither
 * header is a script, which is not tricked into sending a victim's cookie. (Hono's `csrf()`
 * only checks form content types; the hub checks every write.)
 */
export function isSameOrigin(c: Context, publicOrigin: string | undefined): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = c.req.header("origin");
  // An empty header is not something a browser sends; treat it as absent.
  if (origin === undefined || origin === "") return true;
  const claimed = httpOrigin(origin);
  return claimed !== undefined && (claimed === new URL(c.req.url).origin || claimed === publicOrigin);
}
