import { execFileSync, spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const hubBin = join(packageDir, "bin/canopy-hub");

/** The CLI runs from dist/: rebuild it when a source file is newer (plain `vitest` runs skip turbo's build). */
export async function ensureHubBuilt(): Promise<void> {
  const built = await stat(join(packageDir, "dist/main.js")).catch(() => undefined);
  const sources = (await readdir(join(packageDir, "src"), { recursive: true })).filter((f) => f.endsWith(".ts"));
  const newest = Math.max(...(await Promise.all(sources.map(async (f) => (await stat(join(packageDir, "src", f))).mtimeMs))));
  if (!built || built.mtimeMs < newest) {
    execFileSync(join(packageDir, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" });
  }
}

/** Runs `canopy-hub <args>` to its end (a command that exits by itself, not `start`). */
export function runHubCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [hubBin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CANOPY_LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}
