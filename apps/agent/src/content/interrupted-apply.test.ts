import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { AgentMessage, ApplyItem, ManifestEntry } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashOf } from "../../test/content.js";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { BIN, startNode, type Running } from "../../test/run-cli.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { listManifest } from "../cli/local-data.js";
import { agentPaths } from "../core/paths.js";

const BATCHES = 8;
const PER_BATCH = 40;
const RULE_BYTES = 128 * 1024;
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** A Sigma rule of about RULE_BYTES: big enough that a kill lands in the middle of writes. */
function bigRule(n: number): ApplyItem {
  const title = `Rule ${String(n).padStart(4, "0")}`;
  const raw = `title: ${title}\nlogsource:\n  product: windows\ndetection:\n  selection:\n    EventID: ${n}\n  condition: selection\n${`# ${title} padding\n`.repeat(RULE_BYTES / 24)}`;
  const body = { title, raw };
  return { kind: "siem-rule", name: title, revision: 1, hash: hashOf(body), body, dependsOn: [] };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const isTemp = (file: string) => /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp$/.test(file);

/** Resolves once `check` is true, looking again on every turn of the timers until the deadline. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("an agent killed in the middle of a push", () => {
  let hub: FakeHub;
  let dataDir: string;
  let outside: string;
  let cleanup: () => Promise<void>;
  const runs: Running[] = [];
  const contentDir = () => agentPaths(dataDir).contentDir;

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    outside = await mkdtemp(join(tmpdir(), "canopy-outside-"));
    await seedPairedAgent(dataDir, hub);
  });

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill("SIGKILL");
        await run.finished;
      }
    }
    await hub.close();
    await rm(outside, { recursive: true, force: true });
    await cleanup();
  });

  async function startRun(): Promise<FakeConnection> {
    const after = hub.connections.length;
    const run = startNode([BIN, "run", "--data-dir", dataDir], { CANOPY_RECONNECT_MAX_MS: "100", CANOPY_DRIFT_SCAN_MS: "0" });
    runs.push(run);
    const connection = await hub.nextConnection(10_000, after);
    await connection.next("content.manifest", () => true, 10_000);
    return connection;
  }

  /** What the hub does after a reconnect: send again, in batches, every item not held at its hash. */
  async function reconcile(connection: FakeConnection, items: ApplyItem[]): Promise<AgentMessage<"content.ack">[]> {
    const manifest = (await connection.next("content.manifest")).items;
    const held = new Map(manifest.map((entry: ManifestEntry) => [entry.name, entry]));
    const missing = items.filter((item) => held.get(item.name)?.hash !== item.hash || held.get(item.name)?.drifted);
    const acks: AgentMessage<"content.ack">[] = [];
    for (let at = 0; at < missing.length; at += PER_BATCH) {
      const batchId = `again-${at}`;
      connection.send({ type: "content.apply", batchId, pushId: "ps_big", items: missing.slice(at, at + PER_BATCH) });
      acks.push(await connection.next("content.ack", (ack) => ack.batchId === batchId, 30_000));
    }
    return acks;
  }

  it("cleans up the temp files it left at the next start, and converges: every file whole, the manifest true", async () => {
    const items = Array.from({ length: BATCHES * PER_BATCH }, (_, n) => bigRule(n));
    const first = await startRun();
    for (let b = 0; b < BATCHES; b++) {
      first.send({ type: "content.apply", batchId: `b${b}`, pushId: "ps_big", items: items.slice(b * PER_BATCH, (b + 1) * PER_BATCH) });
    }
    // Kill it while the second batch is being written: some of its files are there, some are
    // temp files still being written, and its ack was not sent.
    const ruleDir = join(contentDir(), "siem-rule");
    const midWrite = async () => {
      const names = await readdir(ruleDir).catch(() => [] as string[]);
      return names.filter((f) => f.endsWith(".yml")).length > PER_BATCH && names.some((f) => isTemp(f));
    };
    await until(midWrite, 30_000, "the second batch being written");
    runs[0]!.child.kill("SIGKILL");
    await runs[0]!.finished;
    const acked = first.received.filter((m) => m.type === "content.ack").length;
    expect(acked).toBeLessThan(BATCHES);

    // Beside what the kill left: debris of every kind our writers make, and things that are not ours.
    await mkdir(join(contentDir(), "library", "Admin Recommended", "SOC"), { recursive: true });
    const planted = [
      "content/siem-rule/.Rule 9999.yml.0123456789ab.tmp",
      "content/library/Admin Recommended/SOC/.Failed logins.json.a1b2c3d4e5f6.tmp",
      "state/.content.json.tmp",
      "runtime.json.00aa11bb22cc.tmp",
      "agent-key.pem.tmp",
    ];
    for (const file of planted) await writeFile(join(dataDir, file), "title: trunc");
    const notOurs = ["content/siem-rule/notes.tmp", "content/siem-rule/.hidden.yml.tmp", "state/insights.json.bak"];
    for (const file of notOurs) await writeFile(join(dataDir, file), "kept");
    // Links are never followed out of the content dir, and never removed.
    await writeFile(join(outside, ".victim.yml.0123456789ab.tmp"), "outside");
    await symlink(outside, join(contentDir(), "linked-dir"));
    await symlink(join(outside, ".victim.yml.0123456789ab.tmp"), join(contentDir(), "siem-rule", ".link.yml.0123456789ab.tmp"));

    const second = await startRun();
    const acks = await reconcile(second, items);
    expect(acks.flatMap((ack) => ack.results).every((result) => result.status === "applied")).toBe(true);

    const files = await filesUnder(contentDir());
    expect(files.filter((file) => isTemp(file) && !file.includes(".link."))).toEqual([]);
    for (const file of planted) await expect(readFile(join(dataDir, file))).rejects.toThrow(/ENOENT/);
    for (const file of notOurs) expect(await readFile(join(dataDir, file), "utf8")).toBe("kept");
    expect(await readFile(join(outside, ".victim.yml.0123456789ab.tmp"), "utf8")).toBe("outside");
    expect(files).toContain("siem-rule/.link.yml.0123456789ab.tmp");

    // Every item whole on disk, and the manifest says exactly that.
    const manifest = await listManifest({ dataDir });
    expect(manifest).toHaveLength(items.length);
    for (const item of items) {
      const entry = manifest.find((m) => m.name === item.name)!;
      const raw = (item.body as { raw: string }).raw;
      expect(entry.hash, item.name).toBe(item.hash);
      expect(entry.fileHash, item.name).toBe(sha256(raw));
      expect(await readFile(join(contentDir(), entry.location!), "utf8"), item.name).toBe(raw);
    }
  }, 120_000);
});
