// Vitest globalSetup: one PostgreSQL server for the whole run. Under `npm test` the bootstrap
// already started one and exported CANOPY_TEST_DATABASE_URL, so this leaves it alone; a bare
// `npx vitest run` in one package starts its own and stops it after the last file.
// Workers are created after global setup and inherit the environment, so tests (and the hub
// processes they start) read the URL from CANOPY_TEST_DATABASE_URL; it is also provided as
// `inject("canopyTestDatabaseUrl")`.
import { startPostgresCluster } from "./cluster.js";

export default async function setup(project) {
  const existing = process.env.CANOPY_TEST_DATABASE_URL;
  if (existing) {
    project?.provide?.("canopyTestDatabaseUrl", existing);
    return undefined;
  }
  const cluster = await startPostgresCluster();
  process.env.CANOPY_TEST_DATABASE_URL = cluster.url;
  project?.provide?.("canopyTestDatabaseUrl", cluster.url);
  return async function teardown() {
    delete process.env.CANOPY_TEST_DATABASE_URL;
    await cluster.stop();
  };
}
