// `pnpm --filter @canopy/test-bench bench:insights-postgres [-- --tenants N --per-tenant N --requests N --admin-url URL]`
import { parseArgs } from "node:util";
import { insightsPostgresBench } from "./insights-postgres.js";

const { values } = parseArgs({
  // pnpm passes a literal `--` through; it is not an end of options here.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: "1000" },
    "per-tenant": { type: "string", default: "1000" },
    requests: { type: "string", default: "300" },
    // A server where the bench may CREATE DATABASE; without one (and without CANOPY_TEST_DATABASE_URL) a throwaway cluster.
    "admin-url": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
await insightsPostgresBench({
  tenants: Number(values.tenants),
  perTenant: Number(values["per-tenant"]),
  requests: Number(values.requests),
  adminUrl: values["admin-url"],
  keep: values.keep,
});
process.exit(0);
