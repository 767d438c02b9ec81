import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `shared/data` beside the repository (CI clones it as `<parent>/main` with `<parent>/shared`
 * next to it; the data is never copied into the repo): found by walking up from this file.
 */
export function sharedDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "shared", "data");
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `shared test data not found: no folder "shared/data" beside the repository or above ${fileURLToPath(import.meta.url)}. ` +
          "The content scenario pastes a real Sigma rule from <parent>/shared/data/sigma.",
      );
    }
    dir = parent;
  }
}

/** The text of a file under shared/data, with a clear error when it is missing. */
export function sharedDataFile(...segments: string[]): string {
  const path = join(sharedDataDir(), ...segments);
  if (!existsSync(path)) throw new Error(`shared test data not found: ${path} is missing`);
  return readFileSync(path, "utf8");
}
