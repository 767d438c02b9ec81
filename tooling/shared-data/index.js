// The real content lives beside the checkout (`<parent>/main` + `<parent>/shared/data`) and is
// never copied into the repo. One finder for every test, benchmark and the demo, so they all say
// the same clear thing when it is missing instead of failing on a file read.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The `shared/data` folder: walks up from this package until a folder holds `shared/data`. */
export function sharedDataDir() {
  let dir = here;
  for (;;) {
    const candidate = join(dir, "shared", "data");
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `shared test data not found: no folder "shared/data" beside the repository (searched upwards from ${here}). ` +
          "Tests and benchmarks need the real Sigma rules and CACAO playbooks at <parent>/shared/data, next to <parent>/main.",
      );
    }
    dir = parent;
  }
}

/** A path under shared/data, with a clear error when it is missing. */
export function sharedData(...segments) {
  const path = join(sharedDataDir(), ...segments);
  if (!existsSync(path)) throw new Error(`shared test data not found: ${path} is missing`);
  return path;
}

/** The text of a file under shared/data. */
export function sharedDataFile(...segments) {
  return readFileSync(sharedData(...segments), "utf8");
}

/** Every file under `dir` whose name ends with `suffix`, sorted, recursively. */
export function filesUnder(dir, suffix) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) found.push(path);
  }
  return found.sort();
}

/** Files under a shared/data folder as an import's `{name, text}` (names relative to the folder). */
export function importFiles(folder, suffix) {
  const root = sharedData(folder);
  return filesUnder(root, suffix).map((path) => ({ name: relative(root, path), text: readFileSync(path, "utf8") }));
}

/** The Sigma rule files of the three rule folders, in a stable order, as `{name, text}`. */
export function sigmaFiles(limit = Infinity) {
  const root = sharedData("sigma");
  return ["rules", "rules-emerging-threats", "rules-threat-hunting"]
    .flatMap((top) => filesUnder(join(root, top), ".yml"))
    .slice(0, limit)
    .map((path) => ({ name: relative(root, path), text: readFileSync(path, "utf8") }));
}
