import { fileURLToPath } from "node:url";

/** The repository root, from this file's place in test/browser/harness. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const webDir = fileURLToPath(new URL("../../../apps/web/", import.meta.url));
export const hubDist = fileURLToPath(new URL("../../../apps/hub/dist/index.js", import.meta.url));
export const agentDist = fileURLToPath(new URL("../../../apps/agent/dist/index.js", import.meta.url));
export const agentBin = fileURLToPath(new URL("../../../apps/agent/bin/canopy-agent", import.meta.url));
