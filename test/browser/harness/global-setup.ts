import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { agentDist, hubDist, webDir } from "./paths.js";

/** Newest modification time under `dir` (files only), skipping generated folders. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".svelte-kit" || entry.name === "build") continue;
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The scenario needs the built hub and agent and a UI built from the current sources. The hub and
 * agent are built by `pnpm build` (missing builds fail loudly); the UI is rebuilt here when its
 * sources are newer than its build, so the browser never tests a stale bundle.
 */
export default function setup(): void {
  for (const [name, file] of [
    ["@canopy/hub", hubDist],
    ["@canopy/agent", agentDist],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${name} is not built (${file} is missing): run \`pnpm build\` first`);
  }

  const builtIndex = join(webDir, "build/index.html");
  const sources = Math.max(newestMtime(join(webDir, "src")), statSync(join(webDir, "svelte.config.js")).mtimeMs);
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources) return;

  // Vite straight from the web package, so this works wherever pnpm itself is installed.
  const vite = join(webDir, "node_modules/vite/bin/vite.js");
  const result = spawnSync(process.execPath, [vite, "build"], { cwd: webDir, stdio: "inherit" });
  if (result.error || result.status !== 0) {
    throw new Error(`building @canopy/web failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}
