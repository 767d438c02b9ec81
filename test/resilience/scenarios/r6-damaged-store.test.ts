// R6 storage faults, damaged files: every collection the hub keeps and every collection of the
// agent's store, filled the way users and agents fill them, then damaged the ways a crash, a
// failing disk or a hand edit leave a file (damaged or truncated JSON, an empty file, a wrong
// shape, another version, a document filed under another id or without its fields). The real
// `canopy-hub start` and `canopy-agent run` must refuse, name the file and the exact way out, and
// write nothing; `store check` lists every problem; the way out (`store restore`, or the
// operator's backup where there is no last good copy) brings the data back with nothing reset.
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ApiError, Scenario, spawnAgentRun, waitFor, type Child, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentView, type AgentView } from "../harness/agent-view.js";
import { pairAttacker } from "../harness/attackers.js";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { collectionOf, fillEveryCollection, HUB_COLLECTIONS } from "../harness/fill-hub-store.js";
import { hubView, type HubView } from "../harness/hub-view.js";
import { randomFor } from "../harness/random.js";
import { agentCliRun, errorLines, hubCli, inPool, type Ran } from "../harness/store-commands.js";
import { damageAll, DAMAGES, documentCount, snapshot, storeFiles, sweep, type Damaged } from "../harness/store-damage.js";

/**
 * The agent's collections (apps/agent/README.md "Data dir"; `insights` unsharded is only read from
 * older versions; the manifest is in segments `content.<n>.json`, `content.json` as older agents wrote it).
 */
const AGENT_COLLECTIONS = ["credentials", "content.*", "insight-outbox", "insights.*", "tenant-settings"];
const agentCollectionOf = (file: string) => AGENT_COLLECTIONS.find((c) => (c.endsWith(".*") ? file.startsWith(c.slice(0, -1)) : file === `${c}.json`));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The problem lines a refusal or a check gives for one file (`  <file>: …` or `  <file>, document …`). */
const linesFor = (text: string, file: string) => text.split("\n").filter((line) => line.startsWith(`  ${file}:`) || line.startsWith(`  ${file},`));

/** Files of a folder snapshot that differ from another (changed, added or removed). */
const changedFiles = (a: Record<string, string>, b: Record<string, string>) => Object.keys({ ...a, ...b }).filter((f) => a[f] !== b[f]);

/** `{damage name: count}` of a damage plan, for the figures. */
function kinds(damaged: Damaged[]): string {
  const counts = new Map<string, number>();
  for (const d of damaged) counts.set(d.damage.name, (counts.get(d.damage.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} ${n}`).join(", ");
}

describe("R6 damaged store files: every collection of the hub and of the agent", () => {
  const figures = new Figures("R6 storage: damaged, wrong-shape and truncated files");
  const random = randomFor("r6-damaged-store");
  let scenario: Scenario;
  let acme: PairedAgent;
  let before: HubView;
  let agentBefore: AgentView;
  /** The operator's backup of the hub's data folder, taken once the fill was stopped. */
  let hubBackup: string;
  let hubDir: string;
  let hubDb: string;
  let damaged: Damaged[] = [];
  let damagedBytes: Record<string, string> = {};
  let filesWritten = 0;
  /** The agent's `canopy-agent run`, once restarted after the hub's way out. */
  let acmeRun: Child;

  beforeAll(async () => {
    await figures.phase("fill", async () => {
      scenario = await Scenario.start();
      acme = await scenario.addAgent("R6 Acme", "process");
      await scenario.api.waitForStatus(acme.tenant.id, "online");
      const raw = await pairAttacker(scenario, "R6 Raw Agent");
      await fillEveryCollection({ api: scenario.api, hubUrl: scenario.hub.url, tenantId: acme.tenant.id, agentDataDir: acme.dataDir, raw });
      before = await hubView(scenario.api);
      agentBefore = await agentView(acme.dataDir);
      // Stopped the way an operator stops them (SIGTERM: flushed, exit 0) before files are touched.
      expect(await acme.child!.stop()).toBe(0);
      expect(await scenario.hub.stop()).toBe(0);
      hubDir = scenario.hubDataDir;
      hubDb = join(hubDir, "db");
      hubBackup = scenario.dir("hub-backup");
      await cp(hubDir, hubBackup, { recursive: true });
    });
  });
  afterAll(async () => {
    figures.print();
    await scenario?.close();
  });

  it("every file of every hub collection damaged at once: canopy-hub start refuses, names each file and its way out, and writes nothing", async () => {
    const files = await storeFiles(hubDb);
    expect(files.filter((f) => !collectionOf(f)), "store files of no collection this test knows").toEqual([]);
    expect(HUB_COLLECTIONS.filter((c) => !files.some((f) => collectionOf(f) === c)), "collections the fill left without a file").toEqual([]);
    const documents = (await Promise.all(files.map((f) => documentCount(join(hubDb, f))))).reduce((a, b) => a + b, 0);
    figures.set("hub store", `${files.length} files in ${HUB_COLLECTIONS.length} of ${HUB_COLLECTIONS.length} collections, ${documents} documents`);

    // Each file its own damage, the kinds taken in turn from a seeded start: every kind is used.
    damaged = await damageAll(hubDb, files, Math.floor(random() * DAMAGES.length));
    damagedBytes = await snapshot(hubDb);
    figures.set("hub files damaged", `${damaged.length} at once: ${kinds(damaged)}`);
    const start = await figures.phase("hub refusals", () => hubCli(["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", hubDir]));
    // The `error:` line and the lines under it (the JSON log line before it says the same for log readers).
    const refusal = start.stderr.slice(Math.max(0, start.stderr.search(/^error: /m)));
    expect(start.code).toBe(1);
    expect(start.stdout, "no `listening on` line, no admin made").toBe("");
    // Insight shards are read when the index is built, after the hub listens (issue 13, P6): a
    // damaged one is named then and refuses writes; the start refuses for, and names, the others.
    // `store check` below reads and names every file.
    const refusedAtStart = damaged.filter((d) => collectionOf(d.file) !== "insights.*");
    expect(refusal.split("\n")[0]).toBe(`error: the store in ${hubDb} has ${refusedAtStart.length} damaged files; it was not opened, so nothing was changed or overwritten:`);
    for (const d of refusedAtStart) {
      const lines = linesFor(refusal, d.path);
      expect(lines.some((line) => d.damage.says.test(line)), `${d.damage.name} in ${d.file}: ${lines.join(" | ")}`).toBe(true);
      if (d.document !== undefined) expect(lines.some((line) => line.startsWith(`  ${d.path}, document ${JSON.stringify(d.document)}`)), `${d.file} names the document`).toBe(true);
      expect(refusal).toContain(
        d.lastGood
          ? `way out: canopy-hub store restore ${d.store} --data-dir ${hubDir} (puts back the last good copy: ${d.lastGood.length} documents, written `
          : `way out: there is no last good copy; canopy-hub store restore ${d.store} --data-dir ${hubDir} --discard (sets the file aside; the collection starts empty)`,
      );
    }
    expect(refusal.trimEnd().split("\n").at(-1)).toBe(`every problem: canopy-hub store check --data-dir ${hubDir}`);
    const afterStart = await snapshot(hubDb);
    filesWritten += changedFiles(afterStart, damagedBytes).length;
    expect(afterStart, "the refusing start changed, added or removed no file").toEqual(damagedBytes);

    const check = await hubCli(["store", "check", "--data-dir", hubDir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`^the store in ${escape(hubDb)} has \\d+ problems in ${damaged.length} of ${files.length} files:\n`));
    for (const d of damaged) expect(linesFor(check.stdout, d.path).some((line) => d.damage.says.test(line)), `store check names ${d.file}`).toBe(true);
    expect(await snapshot(hubDb), "store check writes nothing").toEqual(damagedBytes);
    const copies = damaged.filter((d) => d.lastGood).length;
    figures.set(
      "hub start",
      `exit 1 in ${(start.ms / 1000).toFixed(1)} s naming all ${damaged.length} files, each with its way out (${copies} store restore, ${damaged.length - copies} --discard: no last good copy); store check: exit 1, the same ${damaged.length} files`,
    );

    if (scale.r6.sweep) {
      // Every file with every damage on its own, each through a real start (two copies of the
      // folder side by side: two cores).
      const runs = await figures.phase("hub sweep", () =>
        sweep({
          source: hubBackup,
          copies: [scenario.dir("hub-sweep"), scenario.dir("hub-sweep")],
          storeOf: (dataDir) => join(dataDir, "db"),
          run: (dataDir) => hubCli(["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir]),
        }),
      );
      for (const r of runs) {
        expect(r.ran.code, `${r.damage.name} in ${r.file}`).toBe(1);
        expect(linesFor(r.ran.stderr, r.path).some((line) => r.damage.says.test(line)), `${r.damage.name} in ${r.file} named`).toBe(true);
        expect(r.unchanged, `${r.damage.name} in ${r.file}: nothing written`).toBe(true);
      }
      figures.set("hub sweep", `${files.length} files × ${DAMAGES.length} damages = ${runs.length} starts, each refused naming its file and damage, none wrote a file`);
    } else figures.set("hub sweep", `every file × every damage one at a time: CANOPY_RESILIENCE_SCALE=long (here: all ${damaged.length} files at once)`);
  });

  it("the way out: store restore puts each last good copy back and keeps the damaged file aside; with the rest from the operator's backup the hub starts with nothing reset", async () => {
    // Every file with a last good copy goes through `store restore`; the others (no copy: the
    // hub wrote them once) come from the operator's backup.
    const withCopy = damaged.filter((d) => d.lastGood);
    // Without a last good copy `store restore` refuses rather than empty a collection unasked
    // (one example), and sessions take the documented --discard (everyone signs in again).
    const without = damaged.filter((d) => !d.lastGood);
    const example = without.find((d) => d.store !== "sessions")!;
    const runs = await figures.phase("hub way out", () =>
      inPool([...withCopy.map((d) => [d.store]), [example.store], ["sessions", "--discard"]], 2, (args) => hubCli(["store", "restore", ...args, "--data-dir", hubDir])),
    );
    const restores = runs.slice(0, withCopy.length);
    const [refused, discard] = runs.slice(withCopy.length) as [Ran, Ran];
    for (const [i, d] of withCopy.entries()) {
      const r = restores[i]!;
      expect(r.code, `${d.store}: ${r.stderr}`).toBe(0);
      const [aside, restored] = r.stdout.trimEnd().split("\n");
      const asideName = new RegExp(`^set ${escape(d.store)}\\.json aside as ${escape(hubDb)}/(${escape(d.store)}\\.json\\.damaged-\\d{8}T\\d{6}Z)$`).exec(aside ?? "")?.[1];
      expect(asideName, `${d.store}: ${aside}`).toBeDefined();
      expect(restored).toMatch(new RegExp(`^restored ${escape(d.store)} from its last good copy: ${d.lastGood!.length} documents, written `));
      expect(await readFile(join(hubDb, asideName!), "latin1"), `${d.file} kept aside as it was`).toBe(damagedBytes[d.file]);
      expect(await readFile(d.path, "latin1"), `${d.file} is its last good copy`).toBe(await readFile(join(hubBackup, "db", `${d.file}.bak`), "latin1"));
    }
    expect(refused.code).toBe(1);
    expect(errorLines(refused.stderr).join("\n")).toContain("--discard");
    expect(await readFile(example.path, "latin1"), "a refused restore leaves the file").toBe(damagedBytes[example.file]);
    expect(discard.code, discard.stderr).toBe(0);
    expect(discard.stdout).toContain("sessions starts empty");
    const fromBackup = damaged.filter((d) => !withCopy.includes(d) && d.store !== "sessions");
    for (const d of fromBackup) await cp(join(hubBackup, "db", d.file), d.path);

    const expectedDocs = (await Promise.all(damaged.map(async (d) => (d.store === "sessions" ? 0 : withCopy.includes(d) ? d.lastGood!.length : await documentCount(d.path))))).reduce((a, b) => a + b, 0);
    const check = await hubCli(["store", "check", "--data-dir", hubDir]);
    expect(check.code, check.stdout).toBe(0);
    // The discarded collection has no file until the hub writes it again.
    expect(check.stdout.trim()).toBe(`the store in ${hubDb} is sound: ${damaged.length - 1} files, ${expectedDocs} documents`);

    const signedIn = scenario.api;
    await figures.phase("hub back", async () => {
      await scenario.startHub({ port: scenario.hub.port });
      acmeRun = scenario.track(spawnAgentRun(acme.dataDir));
      await scenario.api.waitForStatus(acme.tenant.id, "online", 15_000);
    });
    const oldSession = await signedIn.request("GET", "/me").then(
      () => 200,
      (e: unknown) => (e instanceof ApiError ? e.status : String(e)),
    );
    expect(oldSession, "the discarded session is gone").toBe(401);
    // Tenants and fields as the copy put back held them (a last good copy is the generation
    // before the last write); everything else as before. A push put back at an older generation
    // settles again once the agent reports what it holds.
    const heldIn = async <T>(store: string) => {
      const file = `${store}.json${withCopy.some((d) => d.store === store) ? ".bak" : ""}`;
      return Object.values((JSON.parse(await readFile(join(hubBackup, "db", file), "utf8")) as { docs: Record<string, T> }).docs);
    };
    // A sharded collection (`tenants.<n>`): every shard, each as its own copy put back held it.
    const held = async <T>(store: string) => {
      const shards = (await readdir(join(hubBackup, "db"))).filter((f) => new RegExp(`^${escape(store)}\\.\\d+\\.json$`).test(f));
      if (shards.length === 0) return heldIn<T>(store);
      return (await Promise.all(shards.map((f) => heldIn<T>(f.slice(0, -".json".length))))).flat();
    };
    const expected = {
      ...before,
      tenants: (await held<{ name: string; description: string }>("tenants")).map((t) => `${t.name} — ${t.description}`).sort(),
      fields: (await held<{ name: string; revision: number }>("content.custom-field")).map((f) => `${f.name} r${f.revision}`).sort(),
    };
    const settled = () =>
      waitFor("the hub to show what it held, once the agent is back", async () => {
        const view = await hubView(scenario.api);
        return JSON.stringify(view) === JSON.stringify(expected) ? view : undefined;
      });
    // On a timeout, the difference is what explains it.
    const after = await figures.phase("hub settled", settled).catch(async (error: unknown) => {
      expect(await hubView(scenario.api)).toEqual(expected);
      throw error;
    });
    figures.set(
      "hub way out",
      `${withCopy.length} store restore (every file with a last good copy: the damaged file kept aside, the copy put back byte for byte), a restore without copy refused (says --discard), sessions --discard, ${fromBackup.length} from the operator's backup; store check: sound, ${expectedDocs} documents`,
    );
    figures.set("hub after", `started; ${after.tenants.length} tenants as their last good copy, ${after.fields.length} field, ${after.pushes.length} push settled, ${after.insights.length} insights, ${after.apiKeys.length} API key as before; the discarded session answers 401`);
  });

  it("every file of the agent's store damaged at once: canopy-agent run refuses in one line with the way out, store check lists all, and after the way out it holds what it held", async () => {
    // The agent restarted above: stopped again (flushed), and backed up as its admin would.
    expect(await acmeRun.stop()).toBe(0);
    const dataDir = acme.dataDir;
    const state = join(dataDir, "state");
    const backup = scenario.dir("agent-backup");
    await cp(dataDir, backup, { recursive: true });
    const files = await storeFiles(state);
    expect(files.filter((f) => !agentCollectionOf(f)), "agent store files of no collection this test knows").toEqual([]);
    expect(AGENT_COLLECTIONS.filter((c) => !files.some((f) => agentCollectionOf(f) === c)), "agent collections without a file").toEqual([]);

    const agentDamaged = await damageAll(state, files, Math.floor(random() * DAMAGES.length));
    const bytes = await snapshot(state);
    const run = await figures.phase("agent refusals", () => agentCliRun(["run", "--data-dir", dataDir]));
    expect(run.code).toBe(1);
    const lines = errorLines(run.stderr);
    expect(lines, "one line").toHaveLength(1);
    const first = agentDamaged.find((d) => lines[0]!.startsWith(`error: ${d.path}`));
    expect(first, lines[0]).toBeDefined();
    expect(first!.damage.says.test(lines[0]!), `${first!.damage.name}: ${lines[0]}`).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`\\(and \\d+ more problems: canopy-agent store check --data-dir ${escape(dataDir)}\\); nothing was changed; way out: `));
    expect(lines[0]).toContain(
      first!.lastGood ? `way out: canopy-agent store restore ${first!.store} --data-dir ${dataDir} (puts back the last good copy` : `way out: there is no last good copy; canopy-agent store restore ${first!.store} --data-dir ${dataDir} --discard`,
    );
    const afterRun = await snapshot(state);
    filesWritten += changedFiles(afterRun, bytes).length;
    expect(afterRun, "the refusing run changed no file").toEqual(bytes);

    const check = await agentCliRun(["store", "check", "--data-dir", dataDir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`^the store in ${escape(state)} has \\d+ problems in ${agentDamaged.length} of ${files.length} files:\n`));
    for (const d of agentDamaged) {
      expect(linesFor(check.stdout, d.path).some((line) => d.damage.says.test(line)), `store check names ${d.file}`).toBe(true);
      expect(check.stdout).toContain(`way out: ${d.lastGood ? "" : "there is no last good copy; "}canopy-agent store restore ${d.store} --data-dir ${dataDir}`);
    }
    figures.set("agent store", `${files.length} files in ${AGENT_COLLECTIONS.length} of ${AGENT_COLLECTIONS.length} collections, damaged at once: ${kinds(agentDamaged)}`);
    figures.set("agent run", `exit 1 in ${(run.ms / 1000).toFixed(1)} s, one line: the first file, how many more problems, its way out; store check: exit 1, all ${agentDamaged.length} files`);

    if (scale.r6.sweep) {
      const runs = await figures.phase("agent sweep", () =>
        sweep({ source: backup, copies: [scenario.dir("agent-sweep"), scenario.dir("agent-sweep")], storeOf: (d) => join(d, "state"), run: (d) => agentCliRun(["run", "--data-dir", d]) }),
      );
      for (const r of runs) {
        expect(r.ran.code, `${r.damage.name} in ${r.file}`).toBe(1);
        expect(errorLines(r.ran.stderr).some((line) => line.startsWith(`error: ${r.path}`) && r.damage.says.test(line)), `${r.damage.name} in ${r.file} named`).toBe(true);
        expect(r.unchanged, `${r.damage.name} in ${r.file}: nothing written`).toBe(true);
      }
      figures.set("agent sweep", `${files.length} files × ${DAMAGES.length} damages = ${runs.length} runs, each refused naming its file and damage, none wrote a file`);
    } else figures.set("agent sweep", `every file × every damage one at a time: CANOPY_RESILIENCE_SCALE=long (here: all ${agentDamaged.length} files at once)`);

    // The way out: store restore where there is a last good copy, the admin's backup elsewhere.
    for (const d of agentDamaged) {
      if (!d.lastGood) {
        await cp(join(backup, "state", d.file), d.path);
        continue;
      }
      const restore = await agentCliRun(["store", "restore", d.store, "--data-dir", dataDir]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(new RegExp(`restored ${escape(d.store)} from its last good copy: ${d.lastGood.length} documents, written `));
      expect(await readFile(d.path, "latin1")).toBe(await readFile(join(backup, "state", `${d.file}.bak`), "latin1"));
    }
    expect((await agentCliRun(["store", "check", "--data-dir", dataDir])).code).toBe(0);
    acmeRun = scenario.track(spawnAgentRun(dataDir));
    await scenario.api.waitForStatus(acme.tenant.id, "online", 15_000);
    expect(await agentView(dataDir)).toEqual(agentBefore);
    // The hub still shows what it showed: a resend from an older outbox changes nothing.
    await scenario.api.ping(acme.tenant.id);
    const view = await hubView(scenario.api);
    expect({ insights: view.insights, pushes: view.pushes }).toEqual({ insights: before.insights, pushes: before.pushes });
    const restored = agentDamaged.filter((d) => d.lastGood).length;
    figures.set("agent way out", `${restored} store restore, ${agentDamaged.length - restored} from the admin's backup; online again holding ${agentBefore.content.length} item and ${agentBefore.insights.length} insights as before`);
    figures.set("files written by a refusal", filesWritten);
  });
});
