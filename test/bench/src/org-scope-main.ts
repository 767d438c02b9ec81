// `pnpm --filter @canopy/test-bench bench:org-scope [-- --store postgres|embedded --tenants N --per-tenant N --msp-customers N --requests N --admin-url URL]`
import { parseArgs } from "node:util";
import { orgScopeBench } from "./org-scope.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: "100" },
    "per-tenant": { type: "string", default: "1000" },
    "msp-customers": { type: "string", default: "10" },
    requests: { type: "string", default: "200" },
    store: { type: "string", default: "postgres" },
    "admin-url": { type: "string" },
  },
});
if (values.store !== "postgres" && values.store !== "embedded") throw new Error(`--store is postgres or embedded, not ${values.store}`);
await orgScopeBench({
  store: values.store,
  tenants: Number(values.tenants),
  perTenant: Number(values["per-tenant"]),
  mspCustomers: Number(values["msp-customers"]),
  requests: Number(values.requests),
  adminUrl: values["admin-url"],
});
process.exit(0);
