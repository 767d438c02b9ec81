import { defineConfig } from "vitest/config";

// `pnpm test`: the smoke run of the scale suite (test/scale-smoke.test.ts), on the BUILT dist.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One run of every scenario at ~200 agents: about two minutes, longer on a loaded machine; the
    // waits inside have their own deadlines.
    testTimeout: 360_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
