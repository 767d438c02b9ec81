import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";
import { storeInsights, sourceInsight } from "../../test/insights.js";
import { tempDataDir } from "../../test/seed.js";

// Spawns the CLI a few times per test (~1 s each on a busy machine).
describe("canopy-agent store (CLI)", { timeout: 60_000 }, () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: dataDir, cleanup } = await tempDataDir());
    // Two writes: the second keeps the first as each shard's and the outbox's .bak.
    await storeInsights(dataDir, [sourceInsight("in-1")]);
    await storeInsights(dataDir, [sourceInsight("in-1", { title: "Second" })]);
  });
  afterEach(() => cleanup());

  it("a damaged file: every command refuses with one line and the way out; check lists it; restore brings the .bak back", async () => {
    const state = join(dataDir, "state");
    const shard = (await readdir(state)).find((f) => /^insights\.\d+\.json$/.test(f))!;
    const file = join(state, shard);
    await writeFile(file, '{"version":1,"docs":{"in-1":{"id":"in-1"}}}');
    const collection = shard.slice(0, -".json".length);

    const listed = await runCli(["insights", "list", "--data-dir", dataDir]);
    expect(listed.code).toBe(1);
    expect(listed.stderr.trim().split("\n")).toHaveLength(1);
    expect(listed.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.]/g, "\\.")}, document "in-1", field title: .*; nothing was changed; way out: canopy-agent store restore ${collection.replace(".", "\\.")} --data-dir ${dataDir} \\(puts back the last good copy: 1 documents, written `));

    const checked = await runCli(["store", "check", "--data-dir", dataDir]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`${file}, document "in-1", field title:`);

    const restored = await runCli(["store", "restore", collection, "--data-dir", dataDir]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^set ${collection.replace(".", "\\.")}\\.json aside as .*\\.damaged-\\d{8}T\\d{6}Z\\nrestored ${collection.replace(".", "\\.")} from its last good copy: 1 documents`));
    expect((await runCli(["store", "check", "--data-dir", dataDir])).code).toBe(0);
    const after = await runCli(["insights", "list", "--json", "--data-dir", dataDir]);
    expect(JSON.parse(after.stdout).map((i: { title: string }) => i.title)).toEqual(["Suspicious activity in-1"]);
    expect((await readdir(state)).filter((f) => f.includes(".damaged-"))).toHaveLength(1);
    expect(await readFile(join(state, (await readdir(state)).find((f) => f.includes(".damaged-"))!), "utf8")).toContain('"id":"in-1"}');
  });
});
