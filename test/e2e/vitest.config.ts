import { defineConfig } from "vitest/config";

// `pnpm test:postgres` runs the same scenarios with every hub on its own PostgreSQL database.
export default defineConfig({
  test: {
    include: ["scenarios/**/*.test.ts", "harness/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own hub and agents; two cores run two files at a time at most.
    maxWorkers: 2,
    // The server those databases live on (and migrate-store's target): the one `npm test` started
    // (CANOPY_TEST_DATABASE_URL), else a throwaway cluster for this run.
    globalSetup: ["@canopy/postgres-cluster/vitest-setup"],
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
