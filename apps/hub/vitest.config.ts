import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The PostgreSQL suites' server: the one `npm test` started (CANOPY_TEST_DATABASE_URL), else a throwaway cluster for this run.
    globalSetup: ["@canopy/postgres-cluster/vitest-setup"],
  },
});
