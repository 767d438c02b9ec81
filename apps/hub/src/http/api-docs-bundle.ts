import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

/** A file the docs page loads, named by its content so it can be cached for good. */
export interface DocsAsset {
  /** `scalar-api-reference.1a2b3c4d5e6f.js`: a new version is a new name. */
  name: string;
  body: Uint8Array<ArrayBuffer>;
  /** The same bytes gzipped once (Scalar's bundle is ~4.9 MB, ~1.4 MB gzipped). */
  gzipped: Uint8Array<ArrayBuffer>;
  etag: string;
}

export async function docsAsset(stem: string, body: Uint8Array<ArrayBuffer>): Promise<DocsAsset> {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { name: `${stem}.${hash}.js`, body, gzipped: new Uint8Array(await gzipAsync(body, { level: 9 })), etag: `"${hash}"` };
}

/**
 * Scalar's browser bundle (`dist/browser/standalone.js`: Vue, the renderer and its styles in one
 * file), read from the installed `@scalar/api-reference` at run time, so the hub's dist needs no
 * copy and a fresh `pnpm install` is all it takes. The package exports no subpath for it, so it
 * is found beside the package's main entry.
 */
export async function scalarBundle(): Promise<DocsAsset> {
  const main = createRequire(import.meta.url).resolve("@scalar/api-reference");
  const bytes = await readFile(join(dirname(main), "browser", "standalone.js"));
  return docsAsset("scalar-api-reference", new Uint8Array(bytes));
}
