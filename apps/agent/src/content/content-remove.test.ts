import { access, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONTENT_REMOVE_CAPABILITY, MAX_AGENT_FRAME_BYTES, encodeAgentMessage, type AgentMessage, type ApplyItem } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { item, nextBatchId } from "../../test/content.js";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { startReceiver } from "../../test/webhook-receiver.js";
import { writeAdapterConfig } from "./adapter-config.js";
import { manifestParts } from "./manifest.js";
import { listManifest } from "../cli/local-data.js";
import { agentPaths } from "../core/paths.js";
import { createAgent } from "../runtime/agent.js";
import type { Agent } from "../core/types.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A removal of what `pushed` delivered, as the hub sends it. */
const removal = (pushed: ApplyItem): ApplyItem => ({ kind: pushed.kind, name: pushed.name, revision: pushed.revision, hash: pushed.hash, body: null, dependsOn: [], remove: true });

describe("content removal on the agent", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent | undefined;
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
    await agent?.stop();
    agent = undefined;
    await hub.close();
    for (const close of closers.splice(0)) await close();
    await cleanup();
  });

  async function startAgent(): Promise<FakeConnection> {
    agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: 0 });
    const after = hub.connections.length;
    await agent.start();
    connection = await hub.nextConnection(3000, after);
    await agent.waitFor("online", 3000);
    await connection.next("content.manifest", (m) => m.final !== false, 10_000);
    return connection;
  }

  async function push(items: ApplyItem[], pushId: string | null = "ps_1"): Promise<AgentMessage<"content.ack">> {
    const batchId = nextBatchId();
    connection.send({ type: "content.apply", batchId, pushId, items });
    return connection.next("content.ack", (ack) => ack.batchId === batchId, 10_000);
  }

  const statuses = (ack: AgentMessage<"content.ack">) => Object.fromEntries(ack.results.map((r) => [r.name, r.status]));

  it("says in its hello that it understands removals", async () => {
    await startAgent();
    expect((await connection.next("hello")).capabilities).toContain(CONTENT_REMOVE_CAPABILITY);
  });

  it("deletes a removed item's file, acks applied, and leaves it out of the manifest from then on", async () => {
    await startAgent();
    const kept = item("custom-field", "Kept");
    const gone = item("siem-rule", "Old title", { body: { title: "Old title", raw: "title: Old title\n" } });
    await push([kept, gone]);
    const path = join(contentDir(), "siem-rule", "Old title.yml");
    expect(await exists(path)).toBe(true);

    const ack = await push([removal(gone)], "ps_2");
    expect(ack.results).toEqual([{ kind: "siem-rule", name: "Old title", revision: 1, hash: gone.hash, status: "applied" }]);
    expect(await exists(path)).toBe(false);
    expect(await exists(join(contentDir(), "custom-field", "Kept.json"))).toBe(true);
    expect((await listManifest({ dataDir })).map((m) => m.name)).toEqual(["Kept"]);

    await agent!.stop();
    const next = await startAgent();
    expect((await next.next("content.manifest")).items.map((m) => m.name)).toEqual(["Kept"]);
  });

  it("answers unchanged for an item it does not hold, also when it is removed twice", async () => {
    await startAgent();
    const field = item("custom-field", "Severity");
    expect(statuses(await push([removal(field)]))).toEqual({ Severity: "unchanged" });
    await push([field]);
    expect(statuses(await push([removal(field)], "ps_2"))).toEqual({ Severity: "applied" });
    expect(statuses(await push([removal(field)], "ps_2"))).toEqual({ Severity: "unchanged" });
  });

  it("removes a file that was changed on the tenant (a removal is an explicit request), and one already deleted there counts as removed", async () => {
    await startAgent();
    const edited = item("custom-field", "Edited");
    const deleted = item("custom-field", "Deleted");
    await push([edited, deleted]);
    await writeFile(join(contentDir(), "custom-field", "Edited.json"), "{}\n");
    await rm(join(contentDir(), "custom-field", "Deleted.json"));
    expect(statuses(await push([removal(edited), removal(deleted)], "ps_2"))).toEqual({ Edited: "applied", Deleted: "applied" });
    expect(await exists(join(contentDir(), "custom-field", "Edited.json"))).toBe(false);
    expect(await listManifest({ dataDir })).toEqual([]);
  });

  it("applies an item removed and then pushed again (also within one batch) as new", async () => {
    await startAgent();
    const field = item("custom-field", "Severity");
    await push([field]);
    await push([removal(field)], "ps_2");
    expect(statuses(await push([field], "ps_3"))).toEqual({ Severity: "applied" });
    expect(JSON.parse(await readFile(join(contentDir(), "custom-field", "Severity.json"), "utf8"))).toEqual(field.body);

    const ack = await push([removal(field), field], "ps_4");
    expect(ack.results.map((r) => r.status)).toEqual(["applied", "applied"]);
    expect(await exists(join(contentDir(), "custom-field", "Severity.json"))).toBe(true);
    expect((await listManifest({ dataDir })).map((m) => [m.name, m.pushId])).toEqual([["Severity", "ps_4"]]);
  });

  it("tells a webhook receiver of a removal, and keeps the item when the receiver refuses it", async () => {
    let refuse = false;
    const receiver = await startReceiver(() => (refuse ? { status: 503, text: "SOAR down" } : { status: 200 }));
    closers.push(receiver.close);
    await writeAdapterConfig(agentPaths(dataDir), { type: "webhook", url: receiver.url, headers: {} });
    await startAgent();
    const field = item("custom-field", "Severity", { revision: 3 });
    await push([field]);

    refuse = true;
    const refused = await push([removal(field)], "ps_2");
    expect(refused.results).toEqual([expect.objectContaining({ name: "Severity", status: "failed", error: "webhook answered 503: SOAR down" })]);
    expect((await listManifest({ dataDir })).map((m) => m.name)).toEqual(["Severity"]);

    refuse = false;
    expect(statuses(await push([removal(field)], "ps_2"))).toEqual({ Severity: "applied" });
    expect(receiver.received.at(-1)!.body).toEqual({ kind: "custom-field", name: "Severity", revision: 3, hash: field.hash, remove: true });
    expect(await listManifest({ dataDir })).toEqual([]);
  });

  it("sends a manifest bigger than one part as numbered parts, the last one final", async () => {
    await startAgent();
    const items = Array.from({ length: 2500 }, (_, n) => item("custom-field", `Field ${String(n).padStart(4, "0")}`));
    for (let at = 0; at < items.length; at += 500) await push(items.slice(at, at + 500));
    await agent!.stop();

    const next = await startAgent();
    const parts = next.received.filter((m): m is AgentMessage<"content.manifest"> => m.type === "content.manifest");
    expect(parts.map((p) => [p.part, p.final, p.items.length])).toEqual([
      [0, false, 2000],
      [1, true, 500],
    ]);
    expect(parts.flatMap((p) => p.items.map((i) => i.name))).toEqual(items.map((i) => i.name));
  });
});

describe("manifestParts", () => {
  const entry = (n: number) => ({ kind: "siem-rule" as const, name: `${"r".repeat(500)} ${n}`, revision: 1, hash: `sha256:${"a".repeat(64)}`, pushId: "psh_01HZZZZZZZZZZZZZZZZZZZZZZZ", drifted: false });

  it("sends one empty final part when nothing is held", () => {
    expect(manifestParts([])).toEqual([{ type: "content.manifest", items: [], part: 0, final: true }]);
  });

  it("keeps every part of a manifest with the longest names well under the hub's frame limit", () => {
    const items = Array.from({ length: 30_000 }, (_, n) => entry(n));
    const parts = manifestParts(items);
    expect(parts).toHaveLength(15);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, n) => n));
    expect(parts.filter((p) => p.final).map((p) => p.part)).toEqual([14]);
    const largest = Math.max(...parts.map((p) => Buffer.byteLength(encodeAgentMessage(p))));
    expect(largest).toBeLessThan(MAX_AGENT_FRAME_BYTES / 2);
    // What one frame used to carry:
    expect(Buffer.byteLength(encodeAgentMessage({ type: "content.manifest", items }))).toBeGreaterThan(MAX_AGENT_FRAME_BYTES);
  });
});
