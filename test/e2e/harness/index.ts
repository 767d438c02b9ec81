// The harness as a package entry (`@canopy/test-e2e/harness`), so other suites (test/resilience)
// start hubs and agents the same way without `../` imports into this folder. Source, not built:
// only vitest and tsc read it.
export * from "./agents.js";
export * from "./api-client.js";
export * from "./child.js";
export * from "./content.js";
export * from "./hub-process.js";
export * from "./hub-store.js";
export * from "./in-process-hub.js";
export * from "./insights.js";
export * from "./paths.js";
export * from "./raw-agent.js";
export * from "./scenario.js";
export * from "./wait.js";
