import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { agentStoreSchemas } from "./agent-store-schemas.js";
import { openAgentStore, putCredentials, updateTenantName } from "../identity/credentials.js";
import { AgentCliError } from "../core/errors.js";
import { InsightOutbox } from "../insights/insight-outbox.js";
import { InsightStore } from "../insights/insight-store.js";
import { manifestCollection } from "../content/manifest.js";
import { agentPaths } from "../core/paths.js";
import { sourceInsight } from "../../test/insights.js";

/** Fills every collection of an agent's state through the agent's own code, twice where a .bak should exist. */
async function fillState(dataDir: string): Promise<void> {
  const store = await openAgentStore(agentPaths(dataDir), { create: true });
  putCredentials(store, {
    agentId: "ag_0123456789abcdef",
    tenantId: "tn_tenant0001",
    tenantName: "Acme",
    hubUrl: "http://127.0.0.1:1",
    hubPublicKey: "M7JZ0Yt3mQ6Lq3b9m2gqkYQhZr6Yb8qQhJm3kL0pXlQ",
    pairedAt: "2030-01-01T00:00:00.000Z",
  });
  manifestCollection(store).put({
    id: "custom-field:Tier",
    kind: "custom-field",
    name: "Tier",
    revision: 1,
    hash: `sha256:${"a".repeat(64)}`,
    pushId: "ps_1",
    appliedAt: "2030-01-01T00:00:00.000Z",
    drifted: false,
  });
  const outbox = new InsightOutbox({ store, lookup: () => undefined, logger: pino({ level: "silent" }) });
  const insights = new InsightStore(store, outbox);
  insights.ingest([sourceInsight("in-1"), sourceInsight("in-2")], { source: "import" });
  await store.flush();
  updateTenantName(store, "Acme Corp");
  insights.ingest([sourceInsight("in-1", { title: "Changed" })], { source: "import" });
  await store.close();
}

const damages: [string, (text: string) => string][] = [
  ["damaged JSON", (text) => text.replace(/":/, '" ')],
  ["a wrong shape", () => '{"version":1,"docs":[]}'],
  ["a truncated file", (text) => text.slice(0, Math.floor(text.length / 2))],
  [
    "a document with a missing field",
    (text) => {
      const file = JSON.parse(text) as { docs: Record<string, Record<string, unknown>> };
      const doc = Object.values(file.docs)[0]!;
      delete doc[Object.keys(doc).find((key) => key === "kind" || key === "title" || key === "agentId" || key === "insightId")!];
      return JSON.stringify(file);
    },
  ],
];

describe("the agent's store files", () => {
  let filled: string;
  let collections: string[];
  beforeAll(async () => {
    filled = await mkdtemp(join(tmpdir(), "canopy-agent-state-"));
    await fillState(filled);
    const files = await readdir(join(filled, "state"));
    // One insight shard is enough: they all share the schema.
    collections = files.filter((f) => f.endsWith(".json") && (!f.startsWith("insights.") || f === files.filter((g) => g.startsWith("insights.") && g.endsWith(".json"))[0])).map((f) => f.slice(0, -5));
  });
  afterAll(() => rm(filled, { recursive: true, force: true }));

  it("keeps only collections with a schema", () => {
    expect(collections.sort()).toEqual(["content.0", "credentials", "insight-outbox", expect.stringMatching(/^insights\.\d+$/)]);
    expect(Object.keys(agentStoreSchemas())).toEqual(expect.arrayContaining(["insights.*", "content.*"]));
  });

  for (const [what, damage] of damages) {
    it(`refuses ${what} in any collection with one line naming the file and the way out, and writes nothing`, async () => {
      for (const collection of collections) {
        const dataDir = await mkdtemp(join(tmpdir(), "canopy-agent-damaged-"));
        try {
          await cp(filled, dataDir, { recursive: true });
          const file = join(dataDir, "state", `${collection}.json`);
          await writeFile(file, damage(await readFile(file, "utf8")));
          const before = await readdir(join(dataDir, "state"));
          const bytes = await readFile(file, "utf8");
          const error = await openAgentStore(agentPaths(dataDir), { create: false }).catch((e: unknown) => e);
          expect(error, `${what} in ${collection}`).toBeInstanceOf(AgentCliError);
          const { code, message } = error as AgentCliError;
          expect(code).toBe("damaged_state");
          expect(message).not.toContain("\n");
          expect(message).toContain(`${file}`);
          if (what.includes("missing field")) expect(message).toMatch(/, document ".+", field (kind|title|agentId|insightId): /);
          expect(message).toContain("nothing was changed; way out: ");
          const hasCopy = await stat(`${file}.bak`).then(() => true, () => false);
          expect(message).toContain(hasCopy ? `canopy-agent store restore ${collection} --data-dir ${dataDir} (puts back the last good copy` : `--data-dir ${dataDir} --discard`);
          expect(await readdir(join(dataDir, "state"))).toEqual(before);
          expect(await readFile(file, "utf8")).toBe(bytes);
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      }
    });
  }
});
