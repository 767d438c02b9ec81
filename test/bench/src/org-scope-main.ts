// `pnpm --filter @canopy/test-bench bench:org-scope [-- --tenants N --per-tenant N --msp-customers N --requests N --admin-url URL]`
import { parseArgs } from "node:util";
import { orgScopeBench } from "./org-scope.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: "100" },
    "per-tenant": { type: "string", default: "1000" },
    "msp-customers": { type: "string", default: "10" },
    requests: { type: "string", default: "200" },
    "admin-url": { type: "string" },
  },
});
await orgScopeBench({
  tenants: Number(values.tenants),
  perTenant: Number(values["per-tenant"]),
  mspCustomers: Number(values["msp-customers"]),
  requests: Number(values.requests),
  adminUrl: values["admin-url"],
});
process.exit(0);
