// Locates ../shared/data (beside the repo; never copied into it) for tests on real content.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The `shared/data` folder next to the repository: walks up from this file until a folder holds
 * `shared/data`. Throws a message that says what is missing instead of failing on a file read.
 */
export function sharedDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "shared", "data");
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `shared test data not found: no folder "shared/data" beside the repository or any folder above ${fileURLToPath(import.meta.url)}. ` +
          "These tests need the real Sigma rules and CACAO examples at <parent>/shared/data (next to <parent>/main).",
      );
    }
    dir = parent;
  }
}

/** A path under shared/data, with a clear error when it is missing. */
export function sharedData(...segments: string[]): string {
  const path = join(sharedDataDir(), ...segments);
  if (!existsSync(path)) throw new Error(`shared test data not found: ${path} is missing`);
  return path;
}

/** Every file under `dir` whose name ends with `suffix`, sorted, recursively. */
export function filesUnder(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) found.push(path);
  }
  return found.sort();
}

/** Files under a shared/data folder as an import's `{name, text}` (names relative to the folder). */
export function importFiles(folder: string, suffix: string): { name: string; text: string }[] {
  const root = sharedData(folder);
  return filesUnder(root, suffix).map((path) => ({ name: relative(root, path), text: readFileSync(path, "utf8") }));
}
