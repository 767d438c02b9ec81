import { recordsTableMigration, type Migration } from "@canopy/store";
import { contentMigration } from "../content/postgres/content-migration.js";
import { dashboardsMigration } from "../dashboards/postgres-dashboards.js";
import { auditIndexesSql } from "../domain/audit-reader.js";
import { accessMigration } from "../domain/postgres/access-migration.js";
import { fleetMigration } from "../domain/postgres/fleet-migration.js";
import { organizationRolesMigration } from "../domain/postgres/organization-roles-migration.js";
import { organizationsMigration } from "../domain/postgres/organizations-migration.js";
import { insightCountsMigration } from "../insights/postgres/insight-counts-migration.js";
import { insightFilterCountsMigration } from "../insights/postgres/insight-filter-counts-migration.js";
import { insightsMigration } from "../insights/postgres/insights-migration.js";
import { sharedObjectsMigration } from "../saved-searches/postgres-saved-searches.js";
import { pushTablesMigration } from "../push/postgres/push-tables-migration.js";
import { tenantStateTablesMigration } from "../push/postgres/tenant-state-tables-migration.js";
import { tenantUsageMigration } from "../settings/postgres/tenant-usage-migration.js";

/**
 * The hub's PostgreSQL schema, one step per version, applied at start (`migrate`). Released
 * steps never change: a new need is a new step at the end.
 */
export const hubMigrations: readonly Migration[] = [
  recordsTableMigration(1),
  { version: 2, name: "audit-indexes", sql: auditIndexesSql },
  insightsMigration(3),
  insightCountsMigration(4),
  accessMigration(5),
  fleetMigration(6),
  dashboardsMigration(7),
  contentMigration(8),
  insightFilterCountsMigration(9),
  pushTablesMigration(10),
  tenantStateTablesMigration(11),
  tenantUsageMigration(12),
  organizationsMigration(13),
  sharedObjectsMigration(14),
  organizationRolesMigration(15),
];
