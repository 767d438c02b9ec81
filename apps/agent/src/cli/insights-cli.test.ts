import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHub } from "../../test/fake-hub.js";
import { manyInsights, sourceInsight, storeInsights } from "../../test/insights.js";
import { BIN, runCli, startNode, type Running } from "../../test/run-cli.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgent } from "../runtime/agent.js";

const ndjson = (values: unknown[]) => values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n") + "\n";

describe("canopy-agent insights import | generate | list", () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  const running: Running[] = [];

  beforeEach(async () => {
    ({ dir: dataDir, cleanup } = await tempDataDir());
  });

  afterEach(async () => {
    for (const run of running.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill("SIGKILL");
        await run.finished;
      }
    }
    await cleanup();
  });

  function startRun(env: Record<string, string> = {}, args: string[] = []): Running {
    const run = startNode([BIN, "run", "--data-dir", dataDir, ...args], { CANOPY_RECONNECT_MAX_MS: "100", ...env });
    running.push(run);
    return run;
  }

  it("each new command has its help", async () => {
    const importHelp = await runCli(["insights", "import", "--help"]);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toMatch(/<file>/);
    expect(importHelp.stdout).toMatch(/one insight per line/);
    const generate = await runCli(["insights", "generate", "--help"]);
    expect(generate.stdout).toMatch(/--count <n>/);
    expect(generate.stdout).toMatch(/--sigma-dir <dir>/);
    expect(generate.stdout).toMatch(/--seed <seed>/);
    expect((await runCli(["run", "--help"])).stdout).toMatch(/--ingest-port <port>/);
    expect((await runCli(["insights", "--help"])).stdout).toMatch(/import/);
  });

  it("imports the good lines, reports each bad one with its line number, and exits 1", async () => {
    const file = join(dataDir, "in.ndjson");
    await writeFile(
      file,
      ndjson([
        sourceInsight("siem-2", { createdAt: "2030-01-02T00:00:00Z", status: "closed" }),
        "{oops",
        sourceInsight("siem-1", { createdAt: "2030-01-01T00:00:00Z" }),
        { id: "siem-3", title: "No severity" },
        "",
        sourceInsight("siem-3", { severity: "low", createdAt: "2030-01-03T00:00:00Z" }),
        "[1,2]",
      ]),
    );
    const first = await runCli(["insights", "import", file, "--data-dir", dataDir]);
    expect(first.code).toBe(1);
    expect(first.stderr.trim().split("\n")).toEqual([
      "error: line 2: not valid JSON",
      expect.stringMatching(/^error: line 4: severity: /),
      "error: line 7: not a JSON object (one insight per line)",
    ]);
    expect(first.stdout.split("\n")[0]).toBe("imported 3 insights (3 new, 0 updated), 3 failed");

    const list = await runCli(["insights", "list", "--json", "--data-dir", dataDir]);
    const held = JSON.parse(list.stdout);
    expect(held.map((i: { id: string }) => i.id)).toEqual(["siem-1", "siem-2", "siem-3"]);
    expect(held[1]).toMatchObject({ status: "closed", createdAt: "2030-01-02T00:00:00.000Z", closedAt: expect.any(String), revision: 1, source: "import" });

    // The id is the key: the same file again duplicates nothing and changes nothing.
    const again = await runCli(["insights", "import", file, "--data-dir", dataDir, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 3, created: 0, updated: 0, unchanged: 3, failed: 3, via: "store", errors: [{ line: 2 }, { line: 4 }, { line: 7 }] });
    expect(JSON.parse((await runCli(["insights", "list", "--json", "--data-dir", dataDir])).stdout)).toEqual(held);

    const text = await runCli(["insights", "list", "--data-dir", dataDir]);
    expect(text.stdout.split("\n")[0]).toMatch(/^2030-01-01T00:00:00.000Z\thigh\s+\tnew\s+\tsiem-1\tSuspicious activity siem-1$/);

    const missing = await runCli(["insights", "import", join(dataDir, "nope.ndjson"), "--data-dir", dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.ndjson \(ENOENT\)\n$/);
  });

  it("streams a big file with progress on stderr and caps the bad-line reports", async () => {
    const file = join(dataDir, "big.ndjson");
    const values: unknown[] = manyInsights(10_050);
    for (let i = 100; i < 130; i++) values[i] = { id: `bad-${i}`, title: "x" };
    await writeFile(file, ndjson(values));
    const result = await runCli(["insights", "import", file, "--data-dir", dataDir], {}, 60_000);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("error: line "))).toHaveLength(20);
    expect(lines).toContain("error: … and 10 more");
    expect(lines).toContain(`importing ${file}: 10000 lines read`);
    expect(result.stdout.split("\n")[0]).toBe("imported 10020 insights (10020 new, 0 updated), 30 failed");
  }, 90_000);

  it("while run is going, import and generate go through the running agent, which sends them to the hub", async () => {
    const hub = new FakeHub({ ackInsights: true });
    await hub.listen();
    try {
      await seedPairedAgent(dataDir, hub);
      const run = startRun();
      await run.waitForOutput("connected to");
      await run.waitForOutput("insight ingest endpoint: http://127.0.0.1:");
      const status = JSON.parse((await runCli(["status", "--json", "--data-dir", dataDir])).stdout);
      expect(status.ingestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/insights$/);

      const file = join(dataDir, "in.ndjson");
      await writeFile(file, ndjson([sourceInsight("siem-1"), sourceInsight("siem-2"), "nope"]));
      const imported = await runCli(["insights", "import", file, "--data-dir", dataDir]);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toBe("error: line 3: not valid JSON\n");
      expect(imported.stdout).toBe(`imported 2 insights (2 new, 0 updated), 1 failed\nhanded to the running agent (pid ${run.child.pid}), which sends them to the hub\n`);

      const generated = await runCli(["insights", "generate", "--count", "20", "--seed", "cli", "--data-dir", dataDir]);
      expect(generated.code).toBe(0);
      expect(generated.stdout).toMatch(/^generated 20 insights \(20 new, 0 updated\), 0 failed from /);
      expect(generated.stdout).toContain(`handed to the running agent (pid ${run.child.pid})`);

      await expect.poll(() => hub.insights.size, { timeout: 5000 }).toBe(22);
      expect([...hub.insights.values()].filter((i) => i.source === "demo")).toHaveLength(20);
      expect(hub.insights.get("siem-1")).toMatchObject({ source: "import", revision: 1 });
      const listed = JSON.parse((await runCli(["insights", "list", "--json", "--data-dir", dataDir])).stdout);
      expect(listed).toHaveLength(22);

      run.child.kill("SIGTERM");
      expect((await run.finished).code).toBe(0);
      // No agent any more: the next import writes the data dir itself.
      await writeFile(file, ndjson([sourceInsight("siem-3")]));
      const direct = await runCli(["insights", "import", file, "--data-dir", dataDir]);
      expect(direct.stdout).toContain("stored in the data dir; the next canopy-agent run sends them to the hub");
    } finally {
      await hub.close();
    }
  }, 30_000);

  it("an agent killed between sending a batch and its ack resends it after a restart; seqs keep climbing", async () => {
    const hub = new FakeHub();
    await hub.listen();
    try {
      await seedPairedAgent(dataDir, hub);
      await storeInsights(dataDir, manyInsights(3));
      const first = startRun();
      const c1 = await hub.nextConnection(5000, 0);
      expect((await c1.next("insights.upsert", () => true, 5000)).seq).toBe(1);
      first.child.kill("SIGKILL");
      await first.finished;

      const second = startRun();
      const c2 = await hub.nextConnection(5000, 1);
      const resent = await c2.next("insights.upsert", () => true, 5000);
      expect(resent.seq).toBe(1);
      expect(resent.insights.map((i) => i.id)).toEqual(["in-00001", "in-00002", "in-00003"]);
      c2.ackInsights(1);
      await second.waitForOutput("insight ingest endpoint");
      const file = join(dataDir, "more.ndjson");
      await writeFile(file, ndjson([sourceInsight("in-00004")]));
      expect((await runCli(["insights", "import", file, "--data-dir", dataDir])).code).toBe(0);
      const next = await c2.next("insights.upsert", (m) => m.seq !== 1, 5000);
      expect(next.seq).toBe(2);
      expect(next.insights.map((i) => i.id)).toEqual(["in-00004"]);
    } finally {
      await hub.close();
    }
  }, 30_000);

  it("refuses to write beside an in-process agent that has no ingest endpoint, and run refuses a taken port", async () => {
    const hub = new FakeHub();
    await hub.listen();
    const agent = createAgent({ dataDir, reconnectMaxMs: 50 });
    const blocker = createServer();
    try {
      await seedPairedAgent(dataDir, hub);
      await agent.start();
      await agent.waitFor("online", 3000);
      const file = join(dataDir, "in.ndjson");
      await writeFile(file, ndjson([sourceInsight("x-1")]));
      const refused = await runCli(["insights", "import", file, "--data-dir", dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: an agent \(pid \d+\) is running for .* without an ingest endpoint; /);
      await agent.stop();

      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as { port: number }).port;
      const taken = await runCli(["run", "--data-dir", dataDir, "--ingest-port", String(port)]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toBe(`error: could not open the insight ingest endpoint on 127.0.0.1: port ${port} is in use; choose another with --ingest-port or CANOPY_INGEST_PORT\n`);
      const badEnv = await runCli(["run", "--data-dir", dataDir], { CANOPY_INGEST_PORT: "70000" });
      expect(badEnv.stderr).toBe("error: CANOPY_INGEST_PORT must be a port number from 0 to 65535 (0: any free port)\n");
      const runtime = JSON.parse(await readFile(join(dataDir, "runtime.json"), "utf8"));
      expect(runtime.state).toBe("stopped");
    } finally {
      blocker.close();
      await agent.stop();
      await hub.close();
    }
  });
});
