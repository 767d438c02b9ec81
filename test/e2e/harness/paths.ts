import { fileURLToPath } from "node:url";

/** The repository root, from this file's place in test/e2e/harness. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const hubBin = fileURLToPath(new URL("../../../apps/hub/bin/canopy-hub", import.meta.url));
export const agentBin = fileURLToPath(new URL("../../../apps/agent/bin/canopy-agent", import.meta.url));
