// `pnpm --filter @canopy/test-bench bench:insights-restart [-- --tenants N --per-tenant N]`
import { parseArgs } from "node:util";
import { insightsRestartBench } from "./insights-restart.js";

const { values } = parseArgs({
  // pnpm passes a literal `--` through; it is not an end of options here.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: "100" },
    "per-tenant": { type: "string", default: "10000" },
  },
});
await insightsRestartBench({ tenants: Number(values.tenants), perTenant: Number(values["per-tenant"]) });
process.exit(0);
