import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { AgentMessage, ApplyItem } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { item, nextBatchId } from "../../test/content.js";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgent } from "../runtime/agent.js";
import { foldCase, isWindowsDeviceName } from "./file-names.js";
import { listManifest } from "../cli/local-data.js";
import { agentPaths } from "../core/paths.js";
import type { Agent } from "../core/types.js";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const suffix = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 8);

describe("file names on case-insensitive and Windows file systems", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent | undefined;
  const contentDir = () => agentPaths(dataDir).contentDir;
  // What an agent from before this rule wrote for an item named CON (fine on Linux, where it ran).
  const oldCon = item("custom-field", "CON");

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    const location = "custom-field/CON.json";
    await seedPairedAgent(dataDir, hub, {
      content: [
        { id: "custom-field:CON", kind: "custom-field", name: "CON", revision: 1, hash: oldCon.hash, pushId: "ps_0", appliedAt: "", adapter: "filesystem", location, drifted: false },
      ],
    });
    await mkdir(join(contentDir(), "custom-field"), { recursive: true });
    await writeFile(join(contentDir(), location), `${JSON.stringify(oldCon.body, null, 2)}\n`);
  });

  afterEach(async () => {
    await agent?.stop();
    await hub.close();
    await cleanup();
  });

  async function startAgent(): Promise<FakeConnection> {
    agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: 0 });
    const after = hub.connections.length;
    await agent.start();
    const connection = await hub.nextConnection(3000, after);
    await connection.next("content.manifest");
    return connection;
  }

  async function push(connection: FakeConnection, items: ApplyItem[]): Promise<AgentMessage<"content.ack">> {
    const batchId = nextBatchId();
    connection.send({ type: "content.apply", batchId, pushId: `ps_${batchId}`, items });
    return connection.next("content.ack", (ack) => ack.batchId === batchId, 5000);
  }

  it("gives every item its own file, never a device name, and keeps files where they are across pushes and restarts", async () => {
    const first = await startAgent();
    const items = [
      item("custom-field", "Rule A", { body: { which: "Rule A" } }),
      item("custom-field", "rule a", { body: { which: "rule a" } }),
      item("custom-field", "CON", { revision: 2, body: { which: "CON v2" } }),
      item("custom-field", "nul.txt", { body: { which: "nul.txt" } }),
      item("playbook", "Com1", { body: { which: "Com1" } }),
      item("library", "Admin Recommended/AUX/Report", { body: { which: "report" } }),
      item("library", "Admin Recommended/Aux/REPORT", { body: { which: "other report" } }),
    ];
    const ack = await push(first, items);
    expect(ack.results.map((r) => r.status)).toEqual(items.map(() => "applied"));

    const expected = [
      "custom-field/CON.json", // held from before: it stays where the tenant's tools already read it
      "custom-field/Rule A.json",
      "custom-field/%6Eul.txt.json",
      `custom-field/rule a~${suffix("rule a")}.json`,
      "library/Admin Recommended/%41UX/Report.json",
      `library/Admin Recommended/%41ux/REPORT~${suffix("Admin Recommended/Aux/REPORT")}.json`,
      "playbook/%43om1.json",
    ].sort();
    expect(await filesUnder(contentDir())).toEqual(expected);
    // What a case-insensitive file system would see: still one file per item.
    expect(new Set(expected.map(foldCase)).size).toBe(expected.length);
    expect(expected.filter((file) => file !== "custom-field/CON.json").some((file) => file.split("/").some(isWindowsDeviceName))).toBe(false);
    const manifest = await listManifest({ dataDir });
    for (const applied of items) {
      const entry = manifest.find((m) => m.kind === applied.kind && m.name === applied.name)!;
      expect(JSON.parse(await readFile(join(contentDir(), entry.location!), "utf8")), applied.name).toEqual(applied.body);
    }

    // After a restart, new revisions land in the same files.
    await agent!.stop();
    const second = await startAgent();
    const again = [item("custom-field", "Rule A", { revision: 2, body: { v: 2 } }), item("custom-field", "rule a", { revision: 2, body: { v: 2, lower: true } })];
    await push(second, again);
    expect(await filesUnder(contentDir())).toEqual(expected);
    expect(JSON.parse(await readFile(join(contentDir(), `custom-field/rule a~${suffix("rule a")}.json`), "utf8"))).toEqual({ v: 2, lower: true });
    expect(JSON.parse(await readFile(join(contentDir(), "custom-field/Rule A.json"), "utf8"))).toEqual({ v: 2 });
  });
});
