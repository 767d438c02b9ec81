import { inTransaction, RECORDS_TABLE, StoreWriteError, describePostgresError, type PostgresDatabase } from "@canopy/store";
import type { Clock } from "../../core/clock.js";
import { ProblemError } from "../../core/problem-error.js";
import { auditEntry } from "../audit-log.js";
import type { AuditWriter, HubData, HubRepositories } from "../hub-data.js";
import { auditCollection } from "../records.js";
import { postgresContent } from "../../content/postgres/postgres-content.js";
import { postgresDashboards } from "../../dashboards/postgres-dashboards.js";
import { postgresSavedSearches } from "../../saved-searches/postgres-saved-searches.js";
import { postgresPushes } from "../../push/postgres/postgres-pushes.js";
import { postgresTenantStates } from "../../push/postgres/postgres-tenant-states.js";
import { postgresTenantSettings } from "../../settings/postgres/postgres-tenant-settings.js";
import { postgresAgents } from "./postgres-agents.js";
import { postgresApiKeys } from "./postgres-api-keys.js";
import { postgresPairingCodes } from "./postgres-pairing-codes.js";
import { postgresSessions } from "./postgres-sessions.js";
import { postgresTenants } from "./postgres-tenants.js";
import { postgresInvites } from "./postgres-invites.js";
import { postgresRoles } from "./postgres-roles.js";
import { postgresUsers } from "./postgres-users.js";
import type { SqlClient } from "./sql-client.js";

/**
 * Audit entries written in the unit of work's transaction, as rows of the day's audit partition:
 * the rows the store writes and the audit reader pages, so both kinds of writer show in one log.
 */
function postgresAuditWriter(sql: SqlClient, clock: Clock): AuditWriter {
  return {
    async record(input) {
      const entry = auditEntry(input, clock());
      await sql.query(`INSERT INTO ${RECORDS_TABLE} (collection, id, doc) VALUES ($1, $2, $3)`, [
        auditCollection(entry.at.slice(0, 10)),
        entry.id,
        JSON.stringify(entry),
      ]);
    },
  };
}

function repositoriesOn(sql: SqlClient, clock: Clock): HubRepositories {
  return {
    tenants: postgresTenants(sql),
    agents: postgresAgents(sql),
    pairingCodes: postgresPairingCodes(sql),
    users: postgresUsers(sql),
    roles: postgresRoles(sql),
    invites: postgresInvites(sql),
    sessions: postgresSessions(sql),
    apiKeys: postgresApiKeys(sql),
    dashboards: postgresDashboards(sql),
    savedSearches: postgresSavedSearches(sql),
    content: postgresContent(sql),
    pushes: postgresPushes(sql),
    tenantStates: postgresTenantStates(sql),
    tenantSettings: postgresTenantSettings(sql),
    audit: postgresAuditWriter(sql, clock),
  };
}

/**
 * The hub's repositories on PostgreSQL: reads are statements on the pool (each sees what is
 * committed, so hub processes sharing the database see each other's changes); a unit of work is
 * one transaction on a client of its own. A refusal by the database (disk full, read-only,
 * gone) becomes a StoreWriteError, answered as 503 like the embedded store's.
 */
export function createPostgresHubData(database: PostgresDatabase, clock: Clock): HubData {
  return {
    ...repositoriesOn(database.pool, clock),
    async write(work) {
      try {
        return await inTransaction(database.pool, (client) => work(repositoriesOn(client, clock)));
      } catch (error) {
        // The caller's own refusals, and bugs, go on as they are; what the database said becomes a 503.
        if (error instanceof ProblemError || typeof (error as { code?: unknown } | undefined)?.code !== "string") throw error;
        throw new StoreWriteError("postgres:unit-of-work", error, describePostgresError(error));
      }
    },
  };
}
