// `node dist/dashboards-postgres-main.js [--tenants N --per-tenant N --admin-url URL --keep | --database-url URL] [--requests N --widget-requests N]`
import { parseArgs } from "node:util";
import { dashboardsPostgresBench } from "./dashboards-postgres.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    tenants: { type: "string", default: "1000" },
    "per-tenant": { type: "string", default: "1000" },
    requests: { type: "string", default: "20" },
    "widget-requests": { type: "string", default: "5" },
    "admin-url": { type: "string" },
    // A database a run with --keep left: measured as it is, nothing written (before and after a change, on the same data).
    "database-url": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
await dashboardsPostgresBench({
  tenants: Number(values.tenants),
  perTenant: Number(values["per-tenant"]),
  requests: Number(values.requests),
  widgetRequests: Number(values["widget-requests"]),
  adminUrl: values["admin-url"],
  databaseUrl: values["database-url"],
  keep: values.keep,
});
process.exit(0);
