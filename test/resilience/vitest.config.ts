import { defineConfig } from "vitest/config";
import { scale } from "./harness/env.js";

export default defineConfig({
  test: {
    include: ["scenarios/**/*.test.ts"],
    globalSetup: ["./harness/global-setup.ts"],
    // One scenario at a time: each drives hundreds of agents or a flood against a real hub, and
    // its figures (ping p99 under attack) mean nothing if another scenario shares the cores.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: scale.name === "long" ? 1_800_000 : 600_000,
    hookTimeout: scale.name === "long" ? 900_000 : 300_000,
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
