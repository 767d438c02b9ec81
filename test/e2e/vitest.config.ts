import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scenarios/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own hub and agents; two cores run two files at a time at most.
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
