import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { HubEnv } from "./context.js";
import { docsAsset, scalarBundle, type DocsAsset } from "./api-docs-bundle.js";
import { API_DOCS_CONTENT_SECURITY_POLICY, docsPage, scalarConfiguration, startScript } from "./api-docs-page.js";

/** Where the docs page is; its scripts are under `${API_DOCS_PATH}/assets/`. */
export const API_DOCS_PATH = "/api/docs";
const DOCUMENT_URL = "/api/v1/openapi.json";
const FOR_GOOD = "public, max-age=31536000, immutable";

declare module "hono" {
  interface ContextVariableMap {
    /** What the docs routes answered, so `apiDocsHeaders` can give it its own headers. */
    apiDocsAnswer: "page" | "asset";
  }
}

interface DocsFiles {
  html: string;
  assets: Map<string, DocsAsset>;
}

async function loadDocsFiles(): Promise<DocsFiles> {
  const start = await docsAsset("start", new TextEncoder().encode(startScript(scalarConfiguration(DOCUMENT_URL))));
  const bundle = await scalarBundle();
  const url = (asset: DocsAsset) => `${API_DOCS_PATH}/assets/${asset.name}`;
  return {
    html: docsPage({ start: url(start), bundle: url(bundle) }),
    assets: new Map([start, bundle].map((asset) => [asset.name, asset])),
  };
}

function serveAsset(c: Context<HubEnv>, asset: DocsAsset): Response {
  c.set("apiDocsAnswer", "asset");
  const headers: Record<string, string> = { "Content-Type": "text/javascript; charset=utf-8", ETag: asset.etag, Vary: "Accept-Encoding" };
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
  const gzipped = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  if (gzipped) headers["Content-Encoding"] = "gzip";
  return c.body(gzipped ? asset.gzipped : asset.body, 200, headers);
}

/**
 * GET /api/docs: the API reference, rendered in the browser from the OpenAPI document. Public,
 * like the document itself: it documents and does not act (a "Test Request" from it is an
 * ordinary API request, authenticated and authorised as any other).
 * The files are read and hashed on the first request, not at start.
 */
export function apiDocs(): Hono<HubEnv> {
  let files: Promise<DocsFiles> | undefined;
  const load = (): Promise<DocsFiles> => {
    files ??= loadDocsFiles().catch((error: unknown) => {
      files = undefined;
      throw error;
    });
    return files;
  };

  const docs = new Hono<HubEnv>();
  docs.get("/", async (c) => {
    const { html } = await load();
    c.set("apiDocsAnswer", "page");
    return c.html(html);
  });
  docs.get("/assets/:name", async (c, next) => {
    const asset = (await load()).assets.get(c.req.param("name"));
    return asset ? serveAsset(c, asset) : next();
  });
  return docs;
}

/**
 * Registered before `securityHeaders`, so it runs after them on the way out: the page gets its own
 * policy (see API_DOCS_CONTENT_SECURITY_POLICY) instead of the API's `default-src 'none'`, and the
 * assets, whose names change with their content, are cached for good instead of `no-store`.
 * Everything else under /api/docs (a 404, an error) keeps the API's headers.
 */
export function apiDocsHeaders(): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    await next();
    const answer = c.get("apiDocsAnswer");
    if (answer === "page") c.res.headers.set("Content-Security-Policy", API_DOCS_CONTENT_SECURITY_POLICY);
    else if (answer === "asset") c.res.headers.set("Cache-Control", FOR_GOOD);
  };
}
