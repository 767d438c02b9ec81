// The Node.js LTS for `npm test`'s stages that run on it: users deploy the current LTS while the
// bootstrap itself runs on whatever Node the machine has (20 at least). Plain Node, no
// dependencies, like canopy.mjs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

/** The Node.js that users deploy (the current LTS); the tests run on it as well as on this one. */
export const LTS_MAJOR = 24;

function nodeVersion(bin) {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * The LTS binary from the npm registry's `node-<platform>-<arch>` package (its `bin/node`),
 * unpacked into .cache/node24 and reused from there. Throws with a clear message when it cannot
 * be fetched.
 */
function ensureLtsNode(root, log) {
  const dir = join(root, `.cache/node${LTS_MAJOR}`);
  const bin = join(dir, "bin/node");
  if (existsSync(bin) && nodeVersion(bin)?.startsWith(`v${LTS_MAJOR}.`)) return bin;
  const spec = `node-${process.platform}-${process.arch}@${LTS_MAJOR}`;
  log(`fetching Node ${LTS_MAJOR} (npm pack ${spec})`);
  mkdirSync(join(root, ".cache"), { recursive: true });
  // Unpacked beside, then renamed: an interrupted download never leaves a half binary to reuse.
  const scratch = mkdtempSync(join(root, `.cache/node${LTS_MAJOR}-`));
  try {
    const packed = spawnSync("npm", ["pack", spec, "--pack-destination", scratch, "--loglevel=error"], { cwd: scratch, encoding: "utf8" });
    const tarball = packed.status === 0 ? packed.stdout.trim().split("\n").pop() : undefined;
    if (!tarball) throw new Error(`npm pack ${spec} failed: ${(packed.stderr || packed.error?.message || "").trim().split("\n").slice(0, 4).join("\n")}`);
    const unpacked = join(scratch, "node");
    mkdirSync(unpacked);
    const untar = spawnSync("tar", ["-xzf", join(scratch, tarball), "-C", unpacked, "--strip-components=1", "package/bin/node", "package/LICENSE"], {
      encoding: "utf8",
    });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${(untar.stderr || untar.error?.message || "").trim()}`);
    const version = nodeVersion(join(unpacked, "bin/node"));
    if (!version?.startsWith(`v${LTS_MAJOR}.`)) throw new Error(`${spec} unpacked, but its bin/node does not run as Node ${LTS_MAJOR} (${version ?? "no version"})`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
    return bin;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The environment of the stages on the LTS: its bin folder first on PATH, for turbo, vitest and
 * every child they start (the e2e hubs and agents are spawned with `process.execPath`).
 */
export function ltsNodeEnv({ root, pnpm, log }) {
  const bin = ensureLtsNode(root, log);
  const env = { ...process.env, PATH: `${dirname(bin)}:${process.env.PATH ?? ""}` };
  // What the tests actually get: node as a pnpm script sees it, through the PATH above.
  const seen = spawnSync(pnpm, ["exec", "node", "--version"], { cwd: root, env, encoding: "utf8" }).stdout?.trim();
  if (!seen?.startsWith(`v${LTS_MAJOR}.`)) throw new Error(`pnpm scripts see node ${seen ?? "(none)"} instead of ${bin}`);
  log(`on Node ${seen} (${bin})`);
  return env;
}
