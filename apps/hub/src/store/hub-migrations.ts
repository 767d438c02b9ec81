import { recordsTableMigration, type Migration } from "@canopy/store";
import { insightCountsMigration } from "../insights/postgres/insight-counts-migration.js";
import { insightsMigration } from "../insights/postgres/insights-migration.js";

/**
 * The hub's PostgreSQL schema, one step per version, applied at start (`migrate`). Released
 * steps never change: a new need is a new step at the end.
 */
export const hubMigrations: readonly Migration[] = [recordsTableMigration(1), insightsMigration(2), insightCountsMigration(3)];
