// Test seams for suites over the store (throwaway PostgreSQL databases: @canopy/postgres-cluster).
export * from "./disk-faults.js";
