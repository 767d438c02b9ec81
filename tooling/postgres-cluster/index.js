export { findPostgresBin, freePort, startPostgresCluster } from "./cluster.js";
export { createTestDatabase, testDatabaseUrl } from "./database.js";
