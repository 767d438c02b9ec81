// The child processes (agent fleet, ping probe) run the built `dist/`; `turbo run build` and
// `npm test` build it, but a scenario run straight after editing `src/` must not test stale code.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function mtimes(dir: string, suffix: string): number[] {
  try {
    return readdirSync(join(root, dir))
      .filter((f) => f.endsWith(suffix))
      .map((f) => statSync(join(root, dir, f)).mtimeMs);
  } catch {
    return [];
  }
}

export default function setup(): void {
  const sources = mtimes("src", ".ts");
  const built = mtimes("dist", ".js");
  if (built.length >= sources.length && Math.min(...built) >= Math.max(...sources)) return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building test/resilience/src failed:\n${result.stdout}${result.stderr}`);
}
