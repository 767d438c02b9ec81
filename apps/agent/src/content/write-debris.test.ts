import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDataDir } from "../../test/seed.js";
import { agentPaths } from "../core/paths.js";
import { writeRuntimeRecord } from "../core/runtime-file.js";
import { removeWriteDebris } from "./write-debris.js";

describe("removeWriteDebris", () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  const temp = "content/custom-field/.Severity.json.0123456789ab.tmp";

  beforeEach(async () => {
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await mkdir(join(dataDir, "content", "custom-field"), { recursive: true });
    await writeFile(join(dataDir, temp), "{\"name\": \"Sev");
  });
  afterEach(() => cleanup());

  const present = async () => (await readdir(join(dataDir, "content", "custom-field"))).length;

  it("leaves the temp files of an agent that is running for the data dir: they are writes in progress", async () => {
    await writeRuntimeRecord(agentPaths(dataDir).runtimeFile, { pid: process.pid, state: "online", since: "", hubUrl: "http://hub" });
    expect(await removeWriteDebris(agentPaths(dataDir))).toEqual({ removed: [], skipped: `an agent (pid ${process.pid}) is running for ${dataDir}` });
    expect(await present()).toBe(1);
  });

  it("removes them once that agent has stopped, or when the one that wrote them is gone", async () => {
    await writeRuntimeRecord(agentPaths(dataDir).runtimeFile, { pid: process.pid, state: "stopped", since: "", hubUrl: "http://hub" });
    expect(await removeWriteDebris(agentPaths(dataDir))).toEqual({ removed: [temp] });
    expect(await present()).toBe(0);
  });

  it("does nothing in a data dir that has no content yet", async () => {
    const { dir, cleanup: done } = await tempDataDir();
    try {
      expect(await removeWriteDebris(agentPaths(dir))).toEqual({ removed: [] });
    } finally {
      await done();
    }
  });
});
