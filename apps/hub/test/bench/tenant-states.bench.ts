import { connectPostgres, inTransaction, migrate } from "@canopy/store";
import { testDatabaseUrl } from "@canopy/postgres-cluster";
import { bench, describe } from "vitest";
import { postgresTenantStates } from "../../src/push/postgres/postgres-tenant-states.js";
import { hubMigrations } from "../../src/store/hub-migrations.js";

/**
 * Tenants' push state at MSSP scale on PostgreSQL: 10,000 tenants × 60 items desired and
 * reported (600,000 rows each), every item held by every tenant. Run with
 * `CANOPY_TEST_DATABASE_URL=… npx vitest bench --run test/bench/tenant-states.bench.ts`.
 * Bench mode runs no afterAll, so the database has a fixed name and is made anew at each run;
 * the last measurement drops it on its way out (not awaited by the runner: it may stay).
 */
const DATABASE = "canopy_bench_tenant_states";
const TENANTS = 10_000;
const ITEMS = 60;

/** Reports: 70% applied, 10% drifted, 10% failed, 10% none. */
const FILL = `
  INSERT INTO canopy_desired (tenant_id, key, item_id, push_id, hash, revision, doc)
    SELECT 'tnt_' || lpad(t::text, 5, '0'), 'siem-rule:Rule ' || i, 'cnt_' || lpad(i::text, 3, '0'), 'psh_' || (i % 5), 'h' || md5(i::text), 2,
      json_build_object('id', 'siem-rule:Rule ' || i, 'kind', 'siem-rule', 'name', 'Rule ' || i, 'itemId', 'cnt_' || lpad(i::text, 3, '0'), 'revision', 2,
        'hash', 'h' || md5(i::text), 'pushId', 'psh_' || (i % 5), 'options', json_build_object('scheduledSearches', 'include', 'scheduledReports', 'include'),
        'dependsOn', '[]'::json, 'previous', null)
    FROM generate_series(1, ${TENANTS}) AS t, generate_series(1, ${ITEMS}) AS i ORDER BY t, i;
  INSERT INTO canopy_reported (tenant_id, key, hash, drifted, failed_hash, doc)
    SELECT tenant_id, key, CASE WHEN m < 8 THEN hash ELSE 'other' END, m = 7, CASE WHEN m = 8 THEN hash END,
      json_build_object('id', key, 'hash', CASE WHEN m < 8 THEN hash ELSE 'other' END, 'revision', 2, 'pushId', push_id, 'drifted', m = 7)
    FROM (SELECT d.*, (hashtext(d.tenant_id || d.key) & 1023) % 10 AS m FROM canopy_desired d) AS s WHERE m < 9;`;

const page = Array.from({ length: 50 }, (_, n) => ({ id: `cnt_${String(n + 5).padStart(3, "0")}`, revision: 2 }));
const tenants = Array.from({ length: 1000 }, (_, n) => `tnt_${String(n * 10 + 1).padStart(5, "0")}`);

// Made when the file is collected: bench mode runs no hooks before its first measurement.
const admin = await connectPostgres(testDatabaseUrl());
await admin.pool.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
await admin.pool.query(`CREATE DATABASE ${DATABASE}`);
const url = new URL(testDatabaseUrl());
url.pathname = `/${DATABASE}`;
const db = await connectPostgres(url.toString());
await migrate(db.pool, hubMigrations);
await db.pool.query(FILL);
// As autovacuum leaves them: statistics, and the visibility map index-only scans need.
await db.pool.query("VACUUM ANALYZE canopy_desired");
await db.pool.query("VACUUM ANALYZE canopy_reported");

const changes = [...(await postgresTenantStates(db.pool).load(tenants))].map(([tenantId, docs]) => ({
  tenantId,
  putDesired: docs.desired,
  deleteDesired: [],
  putReported: docs.reported,
  deleteReported: [],
}));

const LAST = "namedPushes";
/** After the last measurement (bench mode runs no afterAll). */
const dropDatabase = async (task: { name: string }, mode?: string) => {
  if (task.name !== LAST || mode !== "run") return;
  await db.close();
  await admin.pool.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.close();
};

describe("tenant states on PostgreSQL, 10,000 tenants × 60 items", () => {
  bench("summaries of a page of 50 items (10,000 targets each)", async () => {
    await postgresTenantStates(db.pool).summaries(page);
  }, { iterations: 20, warmupIterations: 2 });

  bench("load of 1,000 tenants (60,000 desired + ~54,000 reported)", async () => {
    await postgresTenantStates(db.pool).load(tenants);
  }, { iterations: 10, warmupIterations: 1 });

  bench("save of 1,000 tenants' states, every entry put again (~114,000 rows), in a transaction", async () => {
    await inTransaction(db.pool, (client) => postgresTenantStates(client).save(changes));
  }, { iterations: 5, warmupIterations: 1 });

  bench("targets of one item (10,000 tenants)", async () => {
    await postgresTenantStates(db.pool).targets("cnt_007");
  }, { iterations: 20, warmupIterations: 2 });

  bench(LAST, async () => {
    await postgresTenantStates(db.pool).namedPushes();
  }, { iterations: 20, warmupIterations: 2, teardown: dropDatabase });
});
