import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // A real Chromium, a hub and agent processes: generous, because two cores also build and
    // run other suites. Steps inside the scenario wait with their own, tighter deadlines.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One browser at a time.
    fileParallelism: false,
    globalSetup: ["./harness/global-setup.ts"],
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
