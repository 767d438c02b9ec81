import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import type { Context, MiddlewareHandler } from "hono";
import type { HubEnv } from "./context.js";
import { inlineScriptSources, styleAttributeSources } from "./inline-sources.js";
import { uiStyleAttributes } from "./ui-style-attributes.js";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

// SvelteKit's adapter-static writes the SPA shell as 200.html or index.html, depending on config.
const SHELLS = ["200.html", "index.html"];

export const UI_NOT_BUILT =
  "Canopy hub is running, but the web UI is not built.\n\n" +
  "Build it with `pnpm --filter @canopy/web build` and reload this page.\n" +
  "The API is at /api/v1 (see /api/v1/openapi.json).\n";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function firstFile(paths: string[]): Promise<string | undefined> {
  for (const path of paths) if (await isFile(path)) return path;
  return undefined;
}

type StyleAttributes = ReturnType<typeof uiStyleAttributes>;

async function serveFile(c: Context<HubEnv>, path: string, immutable: boolean, bundleStyles: StyleAttributes): Promise<Response> {
  const type = MIME[extname(path).toLowerCase()] ?? "application/octet-stream";
  const headers = { "Content-Type": type, "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache" };
  const bytes = await readFile(path);
  if (type.startsWith("text/html")) {
    // The page's policy allows exactly what the build writes inline (SvelteKit's bootstrap script).
    const html = bytes.toString("utf8");
    const inlineScripts = inlineScriptSources(html);
    const styles = new Set([...styleAttributeSources(html), ...(await bundleStyles(inlineScripts.join(" ")))]);
    c.set("uiFile", { inlineScripts, styleAttributes: [...styles].sort() });
  } else {
    c.set("uiFile", {});
  }
  if (c.req.method === "HEAD") return c.body(null, 200, headers);
  return c.body(new Uint8Array(bytes), 200, headers);
}

/**
 * Serves the built UI from `root`: real files first, then prerendered pages, then the SPA
 * shell for any other extension-less path so client-side routes survive a reload. API and agent
 * paths never reach the shell (they answer problem+json 404 instead).
 */
export function staticUi(root: string): MiddlewareHandler<HubEnv> {
  const base = resolve(root);
  const bundleStyles = uiStyleAttributes(base);
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const path = c.req.path;
    if (path.startsWith("/api/") || path === "/api" || path.startsWith("/agent/")) return next();

    const shell = await firstFile(SHELLS.map((name) => join(base, name)));
    if (!shell) {
      if (path === "/") {
        c.set("uiFile", {});
        return c.text(UI_NOT_BUILT, 200);
      }
      return next();
    }

    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return next();
    }
    const target = resolve(base, `.${decoded}`);
    if (decoded.includes("\0") || (target !== base && !target.startsWith(base + sep))) return next();

    const immutable = decoded.startsWith("/_app/immutable/");
    const found = decoded.endsWith("/")
      ? await firstFile([join(target, "index.html")])
      : await firstFile([target, `${target}.html`, join(target, "index.html")]);
    if (found) return serveFile(c, found, immutable, bundleStyles);
    // A missing asset is a 404, not the shell: a broken <script src> should fail loudly.
    if (extname(decoded) !== "") return next();
    return serveFile(c, shell, false, bundleStyles);
  };
}
