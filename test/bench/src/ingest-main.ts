// `pnpm --filter @canopy/test-bench bench:ingest`
import { ingestBench } from "./ingest.js";

await ingestBench();
process.exit(0);
