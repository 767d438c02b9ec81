import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Several tests start `canopy-agent` child processes (a Node start-up each, ~0.5 s idle and
    // several seconds on a loaded 2-core CI machine); vitest's 5 s default made them flaky there.
    testTimeout: 30_000,
  },
});
