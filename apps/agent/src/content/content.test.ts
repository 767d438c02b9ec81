import { createHash } from "node:crypto";
import { access, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SystemInfo, type AgentMessage, type ApplyItem } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hashOf, item, nextBatchId } from "../../test/content.js";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { useFakeAgentTimers } from "../../test/fake-time.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { startReceiver } from "../../test/webhook-receiver.js";
import { writeAdapterConfig } from "./adapter-config.js";
import { createAgent } from "../runtime/agent.js";
import { listContent, listManifest } from "../cli/local-data.js";
import { agentPaths } from "../core/paths.js";
import type { Agent } from "../core/types.js";

/** Every manifest entry in the agent's store files as they are now (its segments `content.<n>.json`), by id. */
function manifestOnDisk(dataDir: string): Record<string, { hash: string }> {
  const state = join(dataDir, "state");
  const docs: Record<string, { hash: string }> = {};
  for (const name of readdirSync(state).filter((f) => /^content\.\d+\.json$/.test(f))) {
    Object.assign(docs, (JSON.parse(readFileSync(join(state, name), "utf8")) as { docs: Record<string, { hash: string }> }).docs);
  }
  return docs;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const RAW_RULE = "title: Brute force\nlogsource:\n  product: windows\ndetection:\n  selection:\n    EventID: 4625\n  condition: selection\n# kept as written\n";

describe("content on the agent", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;
  let connection: FakeConnection;
  const closers: (() => Promise<void>)[] = [];
  const contentDir = () => agentPaths(dataDir).contentDir;

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await seedPairedAgent(dataDir, hub);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await agent?.stop();
    await hub.close();
    for (const close of closers.splice(0)) await close();
    await cleanup();
  });

  async function startAgent(options: { driftScanMs?: number } = {}): Promise<FakeConnection> {
    agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: options.driftScanMs ?? 0 });
    const after = hub.connections.length;
    await agent.start();
    connection = await hub.nextConnection(3000, after);
    await agent.waitFor("online", 3000);
    await connection.next("content.manifest");
    return connection;
  }

  /** Sends a batch and waits for its ack. */
  async function push(items: ApplyItem[], pushId: string | null = "ps_1", on: FakeConnection = connection): Promise<AgentMessage<"content.ack">> {
    const batchId = nextBatchId();
    on.send({ type: "content.apply", batchId, pushId, items });
    return on.next("content.ack", (ack) => ack.batchId === batchId, 5000);
  }

  const statuses = (ack: AgentMessage<"content.ack">) => Object.fromEntries(ack.results.map((r) => [r.name, r.status]));

  it("writes each item as a file: Sigma rules as their YAML, the rest as pretty JSON, library items as folders", async () => {
    await startAgent();
    const field = item("custom-field", "Severity");
    const rule = item("siem-rule", "Brute force", { body: { title: "Brute force", detection: { condition: "selection" }, raw: RAW_RULE } });
    const bare = item("siem-rule", "No raw", { body: { title: "No raw", level: "high", tags: ["attack.t1110"] } });
    const search = item("library", "Admin Recommended/SOC/Failed logins", { body: { type: "saved-search", path: "SOC/Failed logins", query: "event.outcome:failure" } });
    const ack = await push([field, rule, bare, search]);
    expect(ack.results).toHaveLength(4);
    expect(ack.results.every((r) => r.status === "applied")).toBe(true);
    expect(ack.results[0]).toEqual({ kind: "custom-field", name: "Severity", revision: 1, hash: field.hash, status: "applied" });

    expect(await filesUnder(contentDir())).toEqual([
      "custom-field/Severity.json",
      "library/Admin Recommended/SOC/Failed logins.json",
      "siem-rule/Brute force.yml",
      "siem-rule/No raw.yml",
    ]);
    expect(await readFile(join(contentDir(), "siem-rule/Brute force.yml"), "utf8")).toBe(RAW_RULE);
    expect(await readFile(join(contentDir(), "siem-rule/No raw.yml"), "utf8")).toBe("title: No raw\nlevel: high\ntags:\n  - attack.t1110\n");
    expect(JSON.parse(await readFile(join(contentDir(), "custom-field/Severity.json"), "utf8"))).toEqual(field.body);
    expect(await readFile(join(contentDir(), "custom-field/Severity.json"), "utf8")).toContain('\n  "name": "Severity"');

    const manifest = await listManifest({ dataDir });
    expect(manifest.find((m) => m.name === "Brute force")).toMatchObject({
      id: "siem-rule:Brute force",
      pushId: "ps_1",
      adapter: "filesystem",
      location: "siem-rule/Brute force.yml",
      fileHash: sha256(RAW_RULE),
      drifted: false,
      appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The Connect view lists what the agent holds.
    connection.send({ type: "rpc.req", id: "info", method: "system.info", params: {} });
    const info = SystemInfo.parse((await connection.next("rpc.res")).result);
    expect(info.holds.content.map((c) => c.name)).toEqual(["Severity", "Admin Recommended/SOC/Failed logins", "Brute force", "No raw"]);
  });

  it("replaces by name, says unchanged for the same hash, and applied again for a replay of the same push", async () => {
    await startAgent();
    const v1 = item("custom-field", "Severity");
    expect(statuses(await push([v1], "ps_1"))).toEqual({ Severity: "applied" });
    expect(statuses(await push([v1], "ps_1"))).toEqual({ Severity: "applied" }); // replayed after a lost ack
    expect(statuses(await push([v1], "ps_2"))).toEqual({ Severity: "unchanged" });

    const body = { name: "Severity", type: "select", appliesTo: "incident", options: ["low", "high"] };
    const v2 = item("custom-field", "Severity", { revision: 2, body });
    expect(statuses(await push([v2], "ps_3"))).toEqual({ Severity: "applied" });
    expect(JSON.parse(await readFile(join(contentDir(), "custom-field/Severity.json"), "utf8"))).toEqual(body);
    expect(await listContent({ dataDir })).toEqual([{ kind: "custom-field", name: "Severity", revision: 2, hash: v2.hash }]);
    expect(await filesUnder(contentDir())).toEqual(["custom-field/Severity.json"]); // no temp files left
  });

  it("fails an item with the adapter's message, skips the items attached to it, applies the rest", async () => {
    await startAgent();
    // Something on the tenant is in the way: a folder where the file should go.
    await mkdir(join(contentDir(), "siem-rule", "Blocked.yml"), { recursive: true });
    const blocked = item("siem-rule", "Blocked", { body: { title: "Blocked", raw: "title: Blocked\n" } });
    const tuning = item("tuning-expression", "Quiet", { dependsOn: [{ kind: "siem-rule", name: "Blocked" }] });
    const fine = item("custom-field", "Fine");
    const ack = await push([blocked, tuning, fine]);
    expect(ack.results.map((r) => [r.name, r.status])).toEqual([
      ["Blocked", "failed"],
      ["Quiet", "skipped"],
      ["Fine", "applied"],
    ]);
    expect(ack.results[0]!.error).toMatch(/^could not write siem-rule\/Blocked\.yml: E(ISDIR|EXIST|NOTEMPTY)/);
    expect(ack.results[1]!.error).toBe("skipped: depends on siem-rule Blocked, which failed");
    expect((await listContent({ dataDir })).map((c) => c.name)).toEqual(["Fine"]);
  });

  it("keeps names that try to leave the content dir inside it", async () => {
    await startAgent();
    const sneaky = [
      item("custom-field", "../../../../escaped-field"),
      item("library", "../../../escaped-library", { body: { type: "folder", path: "x" } }),
      item("library", "Admin Recommended/../../../../escaped-too", { body: { type: "folder", path: "y" } }),
      item("playbook", "/etc/passwd"),
    ];
    const ack = await push(sneaky);
    expect(ack.results.map((r) => r.status)).toEqual(["applied", "applied", "applied", "applied"]);
    const files = await filesUnder(contentDir());
    expect(files).toEqual([
      "custom-field/%2E.%2F..%2F..%2F..%2Fescaped-field.json",
      "library/%2E%2E/%2E%2E/%2E%2E/escaped-library.json",
      "library/Admin Recommended/%2E%2E/%2E%2E/%2E%2E/%2E%2E/escaped-too.json",
      "playbook/%2Fetc%2Fpasswd.json",
    ]);
    // Nothing was written anywhere else in or around the data dir.
    const outside = (await filesUnder(dataDir)).filter((f) => !f.startsWith("content/"));
    expect(outside.every((f) => f.startsWith("state/") || ["agent-key.pem", "runtime.json"].includes(f))).toBe(true);
    for (const name of ["escaped-field.json", "escaped-library.json", "escaped-too.json"]) {
      expect(await exists(join(dataDir, "..", name))).toBe(false);
      expect(await exists(join(dataDir, name))).toBe(false);
    }
  });

  it("sends the ack only once the manifest is on disk", async () => {
    await startAgent();
    const seenOnDisk: boolean[] = [];
    connection.observers.push((message) => {
      if (message.type !== "content.ack") return;
      // Right as the ack arrives: is the applied item already in the store file?
      const file = { docs: manifestOnDisk(dataDir) };
      seenOnDisk.push(message.results.every((r) => file.docs[`${r.kind}:${r.name}`]?.hash === r.hash));
    });
    await push([item("custom-field", "Durable"), item("playbook", "Also durable")]);
    await push([item("custom-field", "Durable", { revision: 2, body: { changed: true } })]);
    expect(seenOnDisk).toEqual([true, true]);
  });

  it("batches queued together are acked in order, each only once its items are on disk, a later one seeing what an earlier one applied", async () => {
    await startAgent();
    const onDisk: string[] = [];
    connection.observers.push((message) => {
      if (message.type !== "content.ack") return;
      const file = { docs: manifestOnDisk(dataDir) };
      if (message.results.every((r) => file.docs[`${r.kind}:${r.name}`]?.hash === r.hash)) onDisk.push(message.batchId);
    });
    const batches = [
      [item("custom-field", "One"), item("custom-field", "Two")],
      [item("custom-field", "Three")],
      // The same item as the first batch applied, same hash and push: a replay, applied.
      [item("custom-field", "One")],
      [item("custom-field", "Four")],
      [item("custom-field", "Five")],
      [item("custom-field", "Six")],
    ].map((items, n) => ({ type: "content.apply" as const, batchId: `queued-${n}`, pushId: "ps_q", items }));
    for (const batch of batches) connection.send(batch);
    await connection.next("content.ack", (ack) => ack.batchId === "queued-5", 5000);
    const acks = connection.received.flatMap((m) => (m.type === "content.ack" ? [m] : []));
    expect(acks.map((ack) => ack.batchId)).toEqual(batches.map((batch) => batch.batchId));
    expect(onDisk).toEqual(batches.map((batch) => batch.batchId));
    expect(acks.map(statuses)).toEqual([{ One: "applied", Two: "applied" }, { Three: "applied" }, { One: "applied" }, { Four: "applied" }, { Five: "applied" }, { Six: "applied" }]);
  });

  it("sends its manifest after every welcome, also after a restart of the agent", async () => {
    const first = await startAgent();
    expect((await first.next("content.manifest")).items).toEqual([]);
    const field = item("custom-field", "Severity");
    await push([field], "ps_7");
    await agent.stop();

    const second = await startAgent();
    expect((await second.next("content.manifest")).items).toEqual([
      { kind: "custom-field", name: "Severity", revision: 1, hash: field.hash, pushId: "ps_7", drifted: false },
    ]);
    // And after a reconnect of the same run.
    second.close(1011, "hub restarting");
    const third = await hub.nextConnection(3000, hub.connections.indexOf(second) + 1);
    expect((await third.next("content.manifest")).items).toHaveLength(1);
  });

  it("reports a file edited on the tenant as drift once, then a deletion, and a new push repairs it", async () => {
    // The periodic scans run on virtual time; files and the link stay real.
    const SCAN_MS = 10_000;
    useFakeAgentTimers("interval");
    await startAgent({ driftScanMs: SCAN_MS });
    const rule = item("siem-rule", "Brute force", { body: { title: "Brute force", raw: RAW_RULE } });
    await push([rule], "ps_1");
    const path = join(contentDir(), "siem-rule", "Brute force.yml");
    const drifts = () => connection.received.filter((m) => m.type === "content.drift");
    /** `count` periodic scans, each over before the next: batches share their queue, so the ack of one queued after a scan comes after it. */
    const scans = async (count: number) => {
      for (let n = 0; n < count; n++) {
        vi.advanceTimersByTime(SCAN_MS);
        await push([item("custom-field", `After scan ${nextBatchId()}`)], null);
      }
    };

    const edited = `${RAW_RULE}# tuned by hand\n`;
    await writeFile(path, edited);
    vi.advanceTimersByTime(SCAN_MS);
    const drift = await connection.next("content.drift");
    expect(drift.items).toEqual([{ kind: "siem-rule", name: "Brute force", revision: 1, hash: rule.hash, localHash: sha256(edited) }]);
    await scans(3); // the same change is not reported again
    expect(drifts()).toHaveLength(1);
    expect((await listManifest({ dataDir })).find((m) => m.name === "Brute force")).toMatchObject({ drifted: true });

    await rm(path);
    vi.advanceTimersByTime(SCAN_MS);
    const deleted = await connection.next("content.drift", (m) => m.items[0]!.localHash === null);
    expect(deleted.items).toEqual([{ kind: "siem-rule", name: "Brute force", revision: 1, hash: rule.hash, localHash: null }]);

    // The hub pushes the same item again: the agent rewrites it instead of saying unchanged.
    expect(statuses(await push([rule], "ps_2"))).toEqual({ "Brute force": "applied" });
    expect(await readFile(path, "utf8")).toBe(RAW_RULE);
    expect((await listManifest({ dataDir })).find((m) => m.name === "Brute force")).toMatchObject({ drifted: false, pushId: "ps_2" });
    await scans(2);
    expect(drifts()).toHaveLength(2);
  });

  it("finds drift that happened while it was stopped and reports it in the manifest on connect", async () => {
    await startAgent();
    await push([item("custom-field", "Severity")], "ps_1");
    await agent.stop();
    await writeFile(join(contentDir(), "custom-field", "Severity.json"), "{}\n");
    const next = await startAgent();
    const manifest = await next.next("content.manifest");
    expect(manifest.items).toEqual([expect.objectContaining({ name: "Severity", drifted: true })]);
    expect(next.received.find((m) => m.type === "content.drift")).toMatchObject({ items: [{ name: "Severity", localHash: sha256("{}\n") }] });
  });

  it("a file deleted before a push of the same hash is written again rather than called unchanged", async () => {
    await startAgent();
    const field = item("custom-field", "Severity");
    await push([field], "ps_1");
    await rm(join(contentDir(), "custom-field", "Severity.json"));
    expect(statuses(await push([field], "ps_2"))).toEqual({ Severity: "applied" });
    expect(await exists(join(contentDir(), "custom-field", "Severity.json"))).toBe(true);
  });

  it("switches to a webhook set from outside while running: 2xx applied, 500 failed with the answer", async () => {
    const receiver = await startReceiver((body) => (body.name === "Quota" ? { status: 500, text: "SOAR rejected field Quota: quota exceeded" } : { status: 204 }));
    closers.push(receiver.close);
    await startAgent();
    await push([item("custom-field", "On disk")]);
    await writeAdapterConfig(agentPaths(dataDir), { type: "webhook", url: receiver.url, headers: { Authorization: "Bearer t0k3n-for-tests" } });

    const ack = await push([item("custom-field", "Good"), item("custom-field", "Quota"), item("playbook", "Attached", { dependsOn: [{ kind: "custom-field", name: "Quota" }] })]);
    expect(ack.results.map((r) => [r.name, r.status, r.error])).toEqual([
      ["Good", "applied", undefined],
      ["Quota", "failed", "webhook answered 500: SOAR rejected field Quota: quota exceeded"],
      ["Attached", "skipped", "skipped: depends on custom-field Quota, which failed"],
    ]);
    expect(receiver.received.map((r) => r.body.name)).toEqual(["Good", "Quota"]);
    expect(receiver.received[0]!.headers.authorization).toBe("Bearer t0k3n-for-tests");
    expect(await exists(join(contentDir(), "custom-field", "Good.json"))).toBe(false);
    expect((await listManifest({ dataDir })).find((m) => m.name === "Good")).toMatchObject({ adapter: "webhook", location: receiver.url });
  });

  it("keeps answering pings while a slow batch is applied, and applies batches one at a time in order", async () => {
    // The receiver answers nothing until released: the batch is as slow as the test needs.
    const receiver = await startReceiver(() => ({ status: 200 }), { hold: () => true });
    closers.push(receiver.close);
    await writeAdapterConfig(agentPaths(dataDir), { type: "webhook", url: receiver.url, headers: {} });
    await startAgent();
    const v1 = item("custom-field", "Severity");
    const v2 = item("custom-field", "Severity", { revision: 2, body: { v: 2 } });
    connection.send({ type: "content.apply", batchId: "slow-1", pushId: "ps_1", items: [v1, item("custom-field", "Other")] });
    connection.send({ type: "content.apply", batchId: "slow-2", pushId: "ps_2", items: [v2] });
    await receiver.requests(1); // the first batch is being applied, its first item unanswered
    connection.send({ type: "ping", id: "while-busy", sentAt: Date.now() });
    await connection.next("pong");
    expect(connection.received.some((m) => m.type === "content.ack")).toBe(false);
    expect(receiver.received).toHaveLength(1);
    receiver.release();
    await connection.next("content.ack", (a) => a.batchId === "slow-2", 5000);
    const acks = connection.received.flatMap((m) => (m.type === "content.ack" ? [m.batchId] : []));
    expect(acks).toEqual(["slow-1", "slow-2"]);
    expect(receiver.received.map((r) => `${r.body.name}@${r.body.revision}`)).toEqual(["Severity@1", "Other@1", "Severity@2"]);
    expect((await listContent({ dataDir })).find((c) => c.name === "Severity")).toMatchObject({ revision: 2, hash: hashOf({ v: 2 }) });
  });

  it("stops in the middle of a slow batch without acking it, keeping what it applied", async () => {
    // A is answered; B is held, so the agent is stopped while B is with the receiver.
    const receiver = await startReceiver(() => ({ status: 200 }), { hold: (body) => body.name !== "A" });
    closers.push(receiver.close);
    await writeAdapterConfig(agentPaths(dataDir), { type: "webhook", url: receiver.url, headers: {} });
    await startAgent();
    connection.send({ type: "content.apply", batchId: "long", pushId: "ps_1", items: ["A", "B", "C", "D", "E", "F"].map((n) => item("custom-field", n)) });
    await receiver.requests(2);
    await agent.stop();
    expect(connection.received.some((m) => m.type === "content.ack")).toBe(false);
    expect(receiver.received.map((r) => r.body.name)).toEqual(["A", "B"]);
    expect((await listContent({ dataDir })).map((c) => c.name)).toEqual(["A"]);
  });
});
