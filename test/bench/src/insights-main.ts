// `pnpm --filter @canopy/test-bench bench:insights [-- --tenants N --per-tenant N --large N --round-trips N --samples N]`
import { parseArgs } from "node:util";
import { DEFAULT_INSIGHT_BENCH, insightsBench } from "./insights.js";

const { values } = parseArgs({
  // pnpm passes a literal `--` through; it is not an end of options here.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: String(DEFAULT_INSIGHT_BENCH.tenants) },
    "per-tenant": { type: "string", default: String(DEFAULT_INSIGHT_BENCH.perTenant) },
    large: { type: "string", default: String(DEFAULT_INSIGHT_BENCH.large) },
    "round-trips": { type: "string", default: String(DEFAULT_INSIGHT_BENCH.roundTrips) },
    samples: { type: "string", default: String(DEFAULT_INSIGHT_BENCH.samples) },
  },
});
await insightsBench({
  tenants: Number(values.tenants),
  perTenant: Number(values["per-tenant"]),
  large: Number(values.large),
  roundTrips: Number(values["round-trips"]),
  samples: Number(values.samples),
});
process.exit(0);
