// `pnpm --filter @canopy/test-bench bench:agent-idle`
import { agentIdleBench } from "./agent-idle.js";

await agentIdleBench();
process.exit(0);
