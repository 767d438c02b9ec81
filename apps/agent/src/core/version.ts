import { readFileSync } from "node:fs";

/**
 * The agent's version, read from its package.json at load time. The path is the same from
 * `src/core/` (tests) and `dist/core/` (built), both two levels below the package root.
 */
export const AGENT_VERSION: string = (() => {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "0.0.0";
})();
