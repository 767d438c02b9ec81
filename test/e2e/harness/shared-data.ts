import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./paths.js";

/** `../shared/data` beside the checkout (CI always has it); a clear error when it is missing. */
export function sharedDataDir(): string {
  let dir = repoRoot;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "..", "shared", "data");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`../shared/data not found beside ${repoRoot}: these tests read the real Sigma rules and CACAO playbooks from it`);
}

/** The first `limit` Sigma rule files, in a stable order, as `{name, text}`. */
export function sigmaFiles(limit = Infinity): { name: string; text: string }[] {
  const root = join(sharedDataDir(), "sigma");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".yml")) files.push(full);
    }
  };
  for (const top of ["rules", "rules-emerging-threats", "rules-threat-hunting"]) walk(join(root, top));
  return files.slice(0, limit).map((full) => ({ name: full.slice(root.length + 1), text: readFileSync(full, "utf8") }));
}
