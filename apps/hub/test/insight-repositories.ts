import { connectPostgres, createMemoryStore, migrate } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { EmbeddedInsightRepository } from "../src/insights/embedded-insight-repository.js";
import type { InsightRepository } from "../src/insights/insight-repository.js";
import { PostgresInsightRepository } from "../src/insights/postgres/postgres-insight-repository.js";
import { hubMigrations } from "../src/store/hub-migrations.js";
import { postgresUsage } from "../src/insights/usage/postgres-usage.js";
import type { UsageRepository } from "../src/insights/usage/usage-repository.js";

/** One insight repository under test, with a way to make its writes fail as the storage would. */
export interface RepositoryHarness {
  repository: InsightRepository;
  /** The per-day usage the repository counts as it stores batches (`countOn`). */
  usage: UsageRepository;
  /** Every write fails until `mendWrites` (embedded: the store's flush; PostgreSQL: the server refuses rows). */
  breakWrites(): Promise<void>;
  mendWrites(): Promise<void>;
  close(): Promise<void>;
}

export type RepositoryKind = InsightRepository["kind"];

export async function openRepository(kind: RepositoryKind): Promise<RepositoryHarness> {
  if (kind === "embedded") {
    let broken = false;
    const store = createMemoryStore({
      fault: () => {
        if (broken) throw Object.assign(new Error("disk refused the write"), { code: "EIO" });
      },
    });
    const repository = new EmbeddedInsightRepository(store);
    return {
      repository,
      usage: repository.book.usage,
      breakWrites: async () => void (broken = true),
      mendWrites: async () => void (broken = false),
      close: () => store.close(),
    };
  }
  const database = await createTestDatabase(testDatabaseUrl(), "canopy_insights");
  const db = await connectPostgres(database.url);
  await migrate(db.pool, hubMigrations);
  return {
    repository: new PostgresInsightRepository(db),
    usage: postgresUsage(db.pool),
    // A constraint no row passes, checked by the server for new rows only: a real refused write.
    breakWrites: async () => void (await db.pool.query("ALTER TABLE insights ADD CONSTRAINT refuse_writes CHECK (false) NOT VALID")),
    mendWrites: async () => void (await db.pool.query("ALTER TABLE insights DROP CONSTRAINT refuse_writes")),
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}
