import { createTestDatabase, startPostgresCluster } from "@canopy/postgres-cluster";

export interface BenchDatabase {
  url: string;
  /** Drops the database (and stops the cluster when this bench started one). */
  drop(): Promise<void>;
}

/**
 * A fresh database for one bench run: on the server at `adminUrl` (or CANOPY_TEST_DATABASE_URL)
 * when given, else in a throwaway cluster started for the run, so `npm run bench` works on a
 * machine with only Debian's postgresql installed.
 */
export async function benchDatabase(adminUrl = process.env.CANOPY_TEST_DATABASE_URL): Promise<BenchDatabase> {
  const cluster = adminUrl ? undefined : await startPostgresCluster();
  try {
    const database = await createTestDatabase(adminUrl ?? cluster!.url, "canopy_bench");
    return {
      url: database.url,
      async drop() {
        await database.drop();
        await cluster?.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
}
