import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { connectPostgres, inTransaction, loadPartitions, migrate, RECORDS_TABLE, writeRecords, type Doc, type PostgresDatabase } from "@canopy/store";
import { copyIntoRecordTable, hasRecordTable } from "../domain/postgres/record-tables.js";
import { tenantOfShard, type InsightRecord } from "../insights/insight-records.js";
import { insightWriteOf } from "../insights/postgres/insight-rows.js";
import { upsertInsights } from "../insights/postgres/postgres-insight-repository.js";
import { postgresPushes } from "../push/postgres/postgres-pushes.js";
import { postgresTenantStates } from "../push/postgres/postgres-tenant-states.js";
import { pushCollections, pushOfCollection, tenantStateOf, type DesiredEntry, type PushPlanDoc, type PushRecord, type ReportedEntry, type TenantResultsDoc } from "../push/push-records.js";
import type { StoredResult } from "../push/push-repository.js";
import type { TenantStateChange } from "../push/tenant-state-repository.js";
import type { SqlClient } from "../domain/postgres/sql-client.js";
import { USAGE_COLLECTION_PREFIX, type UsageDayRecord } from "../insights/usage/usage-records.js";
import { postgresTenantSettings } from "../settings/postgres/postgres-tenant-settings.js";
import { TENANT_SETTINGS_COLLECTION, type TenantSettingsRecord } from "../settings/tenant-settings-records.js";
import type { CommandOutcome } from "./store-cli.js";
import { hubMigrations } from "./hub-migrations.js";
import { hubStoreSchemas } from "./hub-store-schemas.js";
import { hubStoreDir } from "./open-hub-store.js";

export interface MigrateStoreOptions {
  dataDir: string;
  databaseUrl: string;
  /** A line of progress (stderr): long copies say how far they are. */
  progress?: (line: string) => void;
}

/** Insights per upsert statement: a shard can hold many, and one statement's JSON stays bounded. */
const INSIGHTS_PER_STATEMENT = 1000;

/** Push results per statement (each is a few parameters). */
const RESULTS_PER_STATEMENT = 5000;

/** Desired and reported entries per save of tenant state. */
const STATES_PER_SAVE = 5000;

/** Documents per progress line. */
const PROGRESS_EVERY = 50_000;

/**
 * `canopy-hub migrate-store`: copies every collection of a hub's embedded store into an empty
 * PostgreSQL database in ONE transaction (a failure leaves the database empty and the files
 * untouched), after the files pass the same checks a start would make. The hub key stays in the
 * data dir, so agents reconnect to the hub started on PostgreSQL without pairing again.
 */
export async function migrateStore(options: MigrateStoreOptions): Promise<CommandOutcome> {
  const progress = options.progress ?? (() => {});
  const root = resolve(options.dataDir);
  const dir = hubStoreDir(root);
  const fail = (...stderr: string[]): CommandOutcome => ({ stdout: [], stderr, exitCode: 1 });
  if (!(await access(dir).then(() => true, () => false))) return fail(`error: there is no hub store in ${dir}`);

  const loaded = await loadPartitions(dir, hubStoreSchemas);
  if (loaded.problems.length > 0) {
    return fail(
      `error: the store in ${dir} has ${loaded.problems.length} problems; nothing was copied.`,
      `  see them and the way out with: canopy-hub store check --data-dir ${options.dataDir}`,
    );
  }

  let database: PostgresDatabase;
  try {
    database = await connectPostgres(options.databaseUrl, { applicationName: "canopy-hub migrate-store" });
  } catch (error) {
    return fail(`error: ${(error as Error).message}`);
  }
  try {
    await migrate(database.pool, hubMigrations);
    const held = await database.pool.query(`SELECT 1 FROM ${RECORDS_TABLE} UNION ALL SELECT 1 FROM canopy_users UNION ALL SELECT 1 FROM canopy_tenants LIMIT 1`);
    if (held.rowCount) {
      return fail(`error: the database at ${database.safeUrl} already holds a hub's data; migrate into an empty database`);
    }
    const total = Array.from(loaded.partitions.values()).reduce((sum, docs) => sum + docs.length, 0);
    progress(`copying ${total} documents in ${loaded.partitions.size} collections to ${database.safeUrl}`);
    const started = performance.now();
    await copyAll(database, loaded.partitions, total, progress);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return {
      stdout: [
        `copied ${total} documents in ${loaded.partitions.size} collections to ${database.safeUrl} in ${seconds} s`,
        `start the hub on it with: canopy-hub start --data-dir ${options.dataDir} --database-url <the same URL>`,
        `(the hub key stays in ${root}: paired agents reconnect without pairing again; the files under ${dir} are left as they were)`,
      ],
      stderr: [],
      exitCode: 0,
    };
  } catch (error) {
    return fail(`error: the copy failed and the database was left as it was: ${(error as Error).message}`);
  } finally {
    await database.close();
  }
}

async function copyAll(database: PostgresDatabase, partitions: ReadonlyMap<string, Doc[]>, total: number, progress: (line: string) => void) {
  await inTransaction(database.pool, async (client) => {
    let copied = 0;
    let reported = 0;
    for (const [name, docs] of partitions) {
      const tenantId = tenantOfShard(name);
      // Insights, tenants, agents, pairing codes, users, sessions, API keys, pushes and tenants'
      // push state go to their own tables, as the hub on PostgreSQL reads them; everything else
      // to the records. Pushes and push state after the loop: a push's record, plan and results
      // are in several partitions, and push state is saved in batches across tenants.
      const later = name === pushCollections.pushes || pushOfCollection(name) !== undefined || tenantStateOf(name) !== undefined;
      if (hasRecordTable(name)) {
        await copyIntoRecordTable(client, name, docs);
      } else if (tenantId !== undefined) {
        for (let start = 0; start < docs.length; start += INSIGHTS_PER_STATEMENT) {
          const records = docs.slice(start, start + INSIGHTS_PER_STATEMENT) as InsightRecord[];
          await upsertInsights(client, tenantId, records.map((record) => insightWriteOf(tenantId, record)));
        }
      } else if (name.startsWith(`${TENANT_SETTINGS_COLLECTION}.`)) {
        const settings = postgresTenantSettings(client);
        for (const doc of docs) await settings.put(doc as TenantSettingsRecord);
      } else if (name.startsWith(`${USAGE_COLLECTION_PREFIX}.`)) {
        await copyUsage(client, name, docs as UsageDayRecord[]);
      } else if (!later) {
        await writeRecords(client, [{ name, upserts: docs.map((doc) => ({ id: doc.id, json: JSON.stringify(doc) })), deletes: [] }]);
      }
      copied += docs.length;
      if (copied - reported >= PROGRESS_EVERY) {
        reported = copied;
        progress(`  ${copied} of ${total} documents`);
      }
    }
    await copyPushes(client, partitions);
    await copyTenantStates(client, partitions);
  });
}

/** A tenant's per-day insight usage (`insight-usage.<hex tenant>`) into `insight_usage`. */
async function copyUsage(sql: SqlClient, name: string, days: UsageDayRecord[]): Promise<void> {
  if (days.length === 0) return;
  const tenantId = Buffer.from(name.slice(USAGE_COLLECTION_PREFIX.length + 1), "hex").toString("utf8");
  await sql.query(
    `INSERT INTO insight_usage (tenant_id, day, count, bytes) SELECT $1, d.day, d.count, d.bytes
       FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS d(day, count, bytes)`,
    [tenantId, days.map((d) => d.id), days.map((d) => d.count), days.map((d) => d.bytes)],
  );
}

/**
 * Tenants' desired and reported state through its repository, as the hub on PostgreSQL writes
 * it, a few thousand entries a save. A partition's documents go in their order, which is the
 * order its keys were first desired, and a tenant's segments go in their order (by number, not
 * by name: `.10` after `.9`), so a tenant's desired state keeps it.
 */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function copyTenantStates(sql: SqlClient, partitions: ReadonlyMap<string, Doc[]>): Promise<void> {
  const states = postgresTenantStates(sql);
  let batch: TenantStateChange[] = [];
  let entries = 0;
  const segments = Array.from(partitions, ([name, docs]) => ({ of: tenantStateOf(name), docs }))
    .filter((segment): segment is { of: NonNullable<ReturnType<typeof tenantStateOf>>; docs: Doc[] } => segment.of !== undefined)
    .sort((a, b) => compareText(a.of.tenantId, b.of.tenantId) || compareText(a.of.part, b.of.part) || a.of.segment - b.of.segment);
  for (const { of, docs } of segments) {
    for (let start = 0; start < docs.length; start += STATES_PER_SAVE) {
      const slice = docs.slice(start, start + STATES_PER_SAVE);
      const change: TenantStateChange = { tenantId: of.tenantId, putDesired: [], deleteDesired: [], putReported: [], deleteReported: [] };
      if (of.part === "desired") change.putDesired = slice as DesiredEntry[];
      else change.putReported = slice as ReportedEntry[];
      batch.push(change);
      entries += slice.length;
      if (entries >= STATES_PER_SAVE) {
        await states.save(batch);
        batch = [];
        entries = 0;
      }
    }
  }
  if (batch.length > 0) await states.save(batch);
}

/**
 * Each push through its repository, as the hub on PostgreSQL writes one: the record and plan with
 * every result pending, then the results that moved. A record whose plan is missing (a write cut
 * short) was never shown, and is left behind.
 */
async function copyPushes(sql: SqlClient, partitions: ReadonlyMap<string, Doc[]>): Promise<void> {
  const pushes = postgresPushes(sql);
  const plans = new Map<string, PushPlanDoc>();
  const results = new Map<string, StoredResult[]>();
  for (const [name, docs] of partitions) {
    const of = pushOfCollection(name);
    if (!of) continue;
    if (of.shard === null) {
      const plan = docs.find((doc) => doc.id === "plan") as PushPlanDoc | undefined;
      // How the embedded store chunked the results is its own: PostgreSQL keeps results in rows.
      if (plan) plans.set(of.pushId, { id: plan.id, items: plan.items, tenantIds: plan.tenantIds });
      continue;
    }
    let moved = results.get(of.pushId);
    if (!moved) results.set(of.pushId, (moved = []));
    for (const doc of docs as TenantResultsDoc[]) {
      for (const [key, entry] of Object.entries(doc.results)) {
        if (entry.status === "pending") continue;
        moved.push(entry.error === undefined ? { pushId: of.pushId, tenantId: doc.id, key, status: entry.status } : { pushId: of.pushId, tenantId: doc.id, key, status: entry.status, error: entry.error });
      }
    }
  }
  const records = (partitions.get(pushCollections.pushes) ?? []) as PushRecord[];
  for (const record of [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const plan = plans.get(record.id);
    if (!plan) continue;
    await pushes.create(record, plan);
    const moved = results.get(record.id) ?? [];
    for (let start = 0; start < moved.length; start += RESULTS_PER_STATEMENT) await pushes.saveResults(moved.slice(start, start + RESULTS_PER_STATEMENT));
  }
}
