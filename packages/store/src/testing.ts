// Test seams for suites over the store: disk faults, and throwaway PostgreSQL databases.
export * from "./disk-faults.js";
export { createTestDatabase, testDatabaseUrl } from "./postgres/test-database.js";
