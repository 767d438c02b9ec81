import { connectPostgres, migrate, RECORDS_TABLE, schemaVersion, SchemaTooNewError, type PostgresDatabase } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyIntoRecordTable } from "../domain/postgres/record-tables.js";
import { createPostgresHubData } from "../domain/postgres/postgres-hub-data.js";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { insightWrite } from "../insights/postgres/insight-rows.js";
import { PostgresInsightRepository, upsertInsights } from "../insights/postgres/postgres-insight-repository.js";
import { postgresPushes } from "../push/postgres/postgres-pushes.js";
import { postgresTenantStates } from "../push/postgres/postgres-tenant-states.js";
import { pushCollections, pushOfCollection, type DesiredEntry, type PushPlanDoc, type PushRecord, type ReportedEntry, type TenantResultsDoc } from "../push/push-records.js";
import { hubMigrations } from "./hub-migrations.js";

const AT = "2029-12-31T00:00:00.000Z";

/** One document of each collection that moved to a table, and one that stays in the records. */
function recordsOfEveryKind(): [string, { id: string } & Record<string, unknown>][] {
  return [
    ["users", { id: "usr_1", email: "ada@example.com", role: "admin", passwordHash: "scrypt$x", createdAt: AT }],
    ["sessions", { id: "session-hash", userId: "usr_1", createdAt: AT, expiresAt: "2030-01-07T00:00:00.000Z" }],
    ["api-keys", { id: "key_1", name: "ci", role: "viewer", secretHash: "ab", createdBy: "ada@example.com", createdAt: AT }],
    ["tenants.17", { id: "tnt_1", name: "Acme", description: "", tags: ["Gold"], parentId: null, createdAt: AT, updatedAt: AT }],
    [
      "agents.200",
      { id: "agt_1", tenantId: "tnt_1", publicKey: "pk", hostname: "web-1", platform: "linux", agentVersion: "1.0.0", pairedAt: AT, revokedAt: null, revokedBy: null, revokedReason: null, lastSeenAt: null, pairingCode: "code-used" },
    ],
    ["pairing-codes", { id: "code-live", tenantId: "tnt_1", createdBy: "ada@example.com", createdAt: AT, expiresAt: "2030-01-01T00:15:00.000Z", usedAt: null, agentId: null }],
    [
      "content.siem-rule",
      {
        id: "cnt_1",
        kind: "siem-rule",
        name: "Mimikatz Use",
        revision: 2,
        hash: "h2",
        body: { title: "Mimikatz Use", id: "5e1f-rule", level: "high", tags: ["attack.t1003", 7], description: "Finds Credential Dumping" },
        createdAt: AT,
        updatedAt: AT,
        createdBy: "ada@example.com",
        updatedBy: "ada@example.com",
      },
    ],
    [
      "content-revisions.siem-rule",
      { id: "cnt_1:2", itemId: "cnt_1", kind: "siem-rule", name: "Mimikatz Use", revision: 2, hash: "h2", body: { title: "Mimikatz Use" }, savedAt: AT, savedBy: "ada@example.com" },
    ],
    // A push record without its plan (a write cut short) was never shown, and stays where it is.
    ["pushes", { id: "psh_1", state: "running" }],
    ...pushOfEveryPart(),
    ...tenantStateOfEveryPart(),
  ];
}

/** A tenant's desired and reported push state as an earlier version kept it, in the records. */
function tenantStateOfEveryPart(): [string, { id: string } & Record<string, unknown>][] {
  const desired = (name: string, hash: string) => ({
    id: `siem-rule:${name}`,
    kind: "siem-rule",
    name,
    itemId: `cnt_${name}`,
    revision: 2,
    hash,
    pushId: "psh_2",
    options: { scheduledSearches: "include", scheduledReports: "include" },
    dependsOn: [],
    previous: null,
  });
  return [
    // Not in key order: a tenant's desired state keeps the order its keys were first desired.
    [pushCollections.desired("tnt_1"), desired("Other", "h2")],
    [pushCollections.desired("tnt_1"), desired("Mimikatz Use", "h2")],
    [pushCollections.reported("tnt_1"), { id: PUSH_KEY, hash: null, revision: 0, pushId: null, drifted: false, failedHash: "h2", error: "no\u0000room" }],
    [pushCollections.reported("tnt_1"), { id: "siem-rule:Other", hash: "h2", revision: 2, pushId: "psh_2", drifted: true }],
  ];
}

/** The tenant state of `tenantStateOfEveryPart` through its repository (its tables, since version 11). */
async function storeTenantStateOfEveryPart(db: PostgresDatabase): Promise<void> {
  const parts = tenantStateOfEveryPart();
  const of = (prefix: string) => parts.filter(([collection]) => collection.startsWith(prefix)).map(([, doc]) => doc);
  await postgresTenantStates(db.pool).save([
    {
      tenantId: "tnt_1",
      putDesired: of("desired.") as unknown as DesiredEntry[],
      deleteDesired: [],
      putReported: of("reported.") as unknown as ReportedEntry[],
      deleteReported: [],
    },
  ]);
}

const PUSH_KEY = "siem-rule:Mimikatz Use";

/** A push as an earlier version kept it: its record, its plan and a result shard per tenant. */
function pushOfEveryPart(): [string, { id: string } & Record<string, unknown>][] {
  const progress = { total: 4, applied: 1, unchanged: 0, failed: 1, skipped: 0, stopped: 0, pending: 2 };
  const record = {
    id: "psh_2",
    type: "push",
    state: "running",
    createdBy: "ada@example.com",
    createdAt: AT,
    finishedAt: null,
    stoppedBy: null,
    title: "Mimikatz Use",
    kinds: ["siem-rule"],
    itemCount: 2,
    tenantCount: 2,
    targets: { tenants: ["tnt_2", "tnt_1"] },
    options: {},
    progress,
  };
  const item = (name: string) => ({ key: `siem-rule:${name}`, kind: "siem-rule", name, itemId: `cnt_${name}`, revision: 2, hash: "h2", dependsOn: [] });
  const plan = { id: "plan", items: [item("Mimikatz Use"), item("Other")], tenantIds: ["tnt_2", "tnt_1"] };
  return [
    ["pushes", record],
    [pushCollections.plan("psh_2"), plan],
    [pushCollections.results("psh_2", 0), { id: "tnt_2", results: { [PUSH_KEY]: { status: "applied" }, "siem-rule:Other": { status: "pending" } } }],
    // An agent's error may hold a NUL, which a text column cannot.
    [pushCollections.results("psh_2", 1), { id: "tnt_1", results: { [PUSH_KEY]: { status: "failed", error: "no\u0000room" }, "siem-rule:Other": { status: "pending" } } }],
  ];
}

/** The push of `pushOfEveryPart` through its repository (its record, plan and results in their tables). */
async function storePushOfEveryPart(db: PostgresDatabase): Promise<void> {
  const parts = pushOfEveryPart();
  const pushes = postgresPushes(db.pool);
  await pushes.create(parts[0]![1] as unknown as PushRecord, parts[1]![1] as unknown as PushPlanDoc);
  const results = parts.slice(2).flatMap(([, doc]) =>
    Object.entries((doc as unknown as TenantResultsDoc).results).map(([key, result]) => ({ pushId: "psh_2", tenantId: doc.id, key, ...result })),
  );
  await pushes.saveResults(results);
}

describe("the hub's database migrations", () => {
  let database: { url: string; drop(): Promise<void> };
  let db: PostgresDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(testDatabaseUrl(), "migrations");
    db = await connectPostgres(database.url);
  });
  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  it("bring an empty database to the current version, and a second run changes nothing", async () => {
    expect(await schemaVersion(db.pool)).toBe(0);
    const first = await migrate(db.pool, hubMigrations);
    expect(first).toMatchObject({ from: 0, to: hubMigrations.length });
    expect(first.applied).toHaveLength(hubMigrations.length);
    expect(await schemaVersion(db.pool)).toBe(hubMigrations.length);
    const second = await migrate(db.pool, hubMigrations);
    expect(second.applied).toEqual([]);
  });

  it.each(hubMigrations.map((_, version) => version).filter((version) => version > 0))(
    "bring a database at version %i (with data in it) to the current one, keeping the data",
    async (version) => {
      await migrate(db.pool, hubMigrations.slice(0, version));
      expect(await schemaVersion(db.pool)).toBe(version);
      // What a hub of that version kept: its records, and the tables it had by then.
      const kept = recordsOfEveryKind();
      const tableSince: Record<string, number> = { users: 5, sessions: 5, "api-keys": 5, "tenants.17": 6, "agents.200": 6, "pairing-codes": 6, "content.siem-rule": 8, "content-revisions.siem-rule": 8 };
      // Pushes with a plan have their tables since version 10, written as that version's repository wrote them.
      const inPushTables = (collection: string, doc: { id: string }) => version >= 10 && ((collection === "pushes" && doc.id === "psh_2") || pushOfCollection(collection) !== undefined);
      if (version >= 10) await storePushOfEveryPart(db);
      // Tenants' push state has its tables since version 11, written as that version's repository wrote them.
      const inTenantStateTables = (collection: string) => version >= 11 && (collection.startsWith("desired.") || collection.startsWith("reported."));
      if (version >= 11) await storeTenantStateOfEveryPart(db);
      for (const [collection, doc] of kept) {
        if (inPushTables(collection, doc) || inTenantStateTables(collection)) continue;
        if (version >= (tableSince[collection] ?? Infinity)) await copyIntoRecordTable(db.pool, collection, [doc]);
        else await db.pool.query(`INSERT INTO ${RECORDS_TABLE} (collection, id, doc) VALUES ($1, $2, $3)`, [collection, doc.id, JSON.stringify(doc)]);
      }

      // Insights (their table since version 3), for the totals later steps keep counters of.
      const insights = Array.from({ length: 40 }, (_, n) => makeInsight(seededRandom(7), n));
      if (version >= 3) await upsertInsights(db.pool, "tnt_1", insights.map((insight) => insightWrite("tnt_1", insight)));

      const outcome = await migrate(db.pool, hubMigrations);
      expect(outcome).toMatchObject({ from: version, to: hubMigrations.length });
      const data = createPostgresHubData(db, () => Date.parse("2030-01-01T00:00:00Z"));
      const doc = (collection: string) => kept.find(([name]) => name === collection)![1];
      const docs = (collection: string) => kept.filter(([name]) => name === collection).map(([, stored]) => stored);
      expect(await data.users.findByEmail("ada@example.com")).toEqual(doc("users"));
      expect(await data.sessions.get("session-hash")).toEqual(doc("sessions"));
      expect(await data.apiKeys.list()).toEqual([doc("api-keys")]);
      expect(await data.tenants.get("tnt_1")).toEqual(doc("tenants.17"));
      expect((await data.tenants.page({ limit: 10, needle: "gold" })).map((row) => [row.tenant.id, row.agent?.id])).toEqual([["tnt_1", "agt_1"]]);
      expect(await data.agents.activeFor("tnt_1")).toEqual(doc("agents.200"));
      expect(await data.agents.pairedWith("code-used")).toEqual(doc("agents.200"));
      expect(await data.pairingCodes.get("code-live")).toEqual(doc("pairing-codes"));
      expect(await data.content.getByName("siem-rule", "MIMIKATZ use")).toEqual(doc("content.siem-rule"));
      for (const filter of [{ q: "credential" }, { q: "5E1F" }, { q: "T1003" }, { level: "high", tag: "attack.t1003" }]) {
        expect((await data.content.page("siem-rule", { limit: 5, ...filter })).items.map((item) => item.id), JSON.stringify(filter)).toEqual(["cnt_1"]);
      }
      expect((await data.content.page("siem-rule", { limit: 5, level: "low" })).items).toEqual([]);
      expect(await data.content.revision("siem-rule", "cnt_1", 2)).toEqual(doc("content-revisions.siem-rule"));
      const push = kept.find(([collection, stored]) => collection === "pushes" && stored.id === "psh_2")![1];
      expect(await data.pushes.get("psh_2")).toEqual(push);
      expect(await data.pushes.plan("psh_2")).toEqual(doc(pushCollections.plan("psh_2")));
      expect(await data.pushes.results("psh_2")).toEqual([
        { pushId: "psh_2", tenantId: "tnt_2", key: PUSH_KEY, status: "applied" },
        { pushId: "psh_2", tenantId: "tnt_2", key: "siem-rule:Other", status: "pending" },
        { pushId: "psh_2", tenantId: "tnt_1", key: PUSH_KEY, status: "failed", error: "no\uFFFDroom" },
        { pushId: "psh_2", tenantId: "tnt_1", key: "siem-rule:Other", status: "pending" },
      ]);
      expect(await data.pushes.progress("psh_2")).toEqual(push.progress);
      expect((await data.pushes.page({ limit: 5, tenantId: "tnt_1", itemId: "cnt_Other" })).items.map((record) => record.id)).toEqual(["psh_2"]);
      expect(await data.pushes.get("psh_1")).toBeUndefined();
      // Tenants' push state, the agent's error as it said it (a json document keeps the NUL).
      expect((await data.tenantStates.load(["tnt_1"])).get("tnt_1")).toEqual({
        desired: docs(pushCollections.desired("tnt_1")),
        reported: docs(pushCollections.reported("tnt_1")),
      });
      expect(await data.tenantStates.summaries([{ id: "cnt_Mimikatz Use", revision: 2 }, { id: "cnt_Other", revision: 2 }])).toEqual(
        new Map([
          ["cnt_Mimikatz Use", { synchronized: false, total: 1, applied: 0, pending: 0, failed: 1, drifted: 0 }],
          ["cnt_Other", { synchronized: false, total: 1, applied: 0, pending: 0, failed: 0, drifted: 1 }],
        ]),
      );
      expect(await data.tenantStates.namedBy("psh_2")).toEqual([
        { tenantId: "tnt_1", key: PUSH_KEY },
        { tenantId: "tnt_1", key: "siem-rule:Other" },
      ]);
      if (version >= 3) {
        const repository = new PostgresInsightRepository(db);
        const total = async (filter: object) => (await repository.list({ sort: "createdAt", order: "desc", limit: 1, ...filter })).total;
        const tactic = insights[0]!.tactics[0]!;
        const filters = [{ tactics: [tactic] }, { ruleIds: [insights[1]!.ruleId!] }, { statuses: ["new" as const], assignees: ["ana@mssp.example"] }, {}];
        const expected = [
          insights.filter((i) => i.tactics.includes(tactic)).length,
          insights.filter((i) => i.ruleId === insights[1]!.ruleId).length,
          insights.filter((i) => i.status === "new" && i.assignee === "ana@mssp.example").length,
          insights.length,
        ];
        expect(await Promise.all(filters.map(total))).toEqual(expected);
      }
      // What stays in the records is untouched; what moved is there no more.
      const { rows } = await db.pool.query(`SELECT collection, doc FROM ${RECORDS_TABLE} ORDER BY collection`);
      expect(rows).toEqual([{ collection: "pushes", doc: doc("pushes") }]);
    },
  );

  it("keep the custom roles of earlier versions as the root's, and let other organizations define the same names (step 15)", async () => {
    const before = hubMigrations.findIndex((migration) => migration.name === "organization-roles");
    await migrate(db.pool, hubMigrations.slice(0, before));
    const legacy = { id: "night shift", name: "Night shift", permissions: ["insights.triage"], createdBy: "ada@example.com", createdAt: AT };
    await db.pool.query("INSERT INTO canopy_roles (id, doc) VALUES ($1, $2)", [legacy.id, JSON.stringify(legacy)]);
    await migrate(db.pool, hubMigrations);
    const data = createPostgresHubData(db, () => Date.parse("2030-01-01T00:00:00Z"));
    expect(await data.roles.get("org_root", "NIGHT SHIFT")).toEqual(legacy);
    expect(await data.roles.get("tnt_1", "Night shift")).toBeUndefined();
    const mine = { ...legacy, id: "tnt_1:night shift", orgId: "tnt_1" };
    await data.write((tx) => tx.roles.insert(mine));
    await expect(data.write((tx) => tx.roles.insert({ ...legacy, name: "NIGHT shift" }))).rejects.toMatchObject({ status: 409, code: "role_exists" });
    expect(await data.roles.definedBy(["org_root"])).toEqual([legacy]);
    expect(await data.roles.definedBy(null)).toEqual([legacy, mine]);
  });

  it("apply once when two hubs start together", async () => {
    const other = await connectPostgres(database.url);
    try {
      const outcomes = await Promise.all([migrate(db.pool, hubMigrations), migrate(other.pool, hubMigrations)]);
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, hubMigrations.length]);
    } finally {
      await other.close();
    }
  });

  it("refuse a database newer than this hub, naming both versions", async () => {
    await migrate(db.pool, hubMigrations);
    await db.pool.query(`INSERT INTO canopy_schema_migrations (version, name) VALUES ($1, 'from the future')`, [hubMigrations.length + 1]);
    const error = await migrate(db.pool, hubMigrations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect((error as Error).message).toContain(`schema version ${hubMigrations.length + 1}, newer than this hub knows (${hubMigrations.length})`);
  });

  it("leave the schema as it was when a step fails", async () => {
    const broken = [...hubMigrations, { version: hubMigrations.length + 1, name: "broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_function()" }];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/no_such_function/);
    expect(await schemaVersion(db.pool)).toBe(0);
    const { rows } = await db.pool.query(`SELECT to_regclass('half_done') AS t, to_regclass('${RECORDS_TABLE}') AS r`);
    expect(rows).toEqual([{ t: null, r: null }]);
  });
});
