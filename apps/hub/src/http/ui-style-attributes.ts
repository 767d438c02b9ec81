import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { styleAttributeSources } from "./inline-sources.js";

/**
 * The static style attributes the built UI's scripts write, as CSP hash sources. Svelte 5 sets
 * every dynamic style through the CSSOM, which CSP does not restrict, but a static `style="…"`
 * in a template is parsed from HTML and is; SvelteKit's own route announcer is one
 * (`<div id="svelte-announcer" style="position: absolute; …">`), and without its style it would
 * show every page title at the foot of the page. Allowing exactly those values by hash keeps
 * 'unsafe-inline' out of style-src.
 */
export function uiStyleAttributes(root: string): (buildKey: string) => Promise<string[]> {
  let cached: { key: string; sources: Promise<string[]> } | undefined;
  return (buildKey) => {
    // A new build has new entry file names, hence new inline scripts, hence a new key.
    if (cached?.key !== buildKey) cached = { key: buildKey, sources: scan(join(root, "_app")) };
    return cached.sources;
  };
}

async function scan(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith(".js"));
  } catch {
    return [];
  }
  const sources = new Set<string>();
  for (const file of files) for (const source of styleAttributeSources(await readFile(join(dir, file), "utf8"))) sources.add(source);
  return [...sources].sort();
}
