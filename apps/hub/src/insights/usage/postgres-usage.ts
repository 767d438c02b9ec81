import type { UsageDay } from "@canopy/api";
import type { SqlClient } from "../../domain/postgres/sql-client.js";
import type { UsageRepository } from "./usage-repository.js";

interface UsageRow {
  day: string;
  count: string;
  bytes: string;
}

const dayOf = (row: UsageRow): UsageDay => ({ day: row.day, count: Number(row.count), bytes: Number(row.bytes) });

/** Usage in `insight_usage` (written by the insight upsert itself); every read is a primary-key range. */
export function postgresUsage(sql: SqlClient): UsageRepository {
  return {
    async day(tenantId, day) {
      const { rows } = await sql.query<UsageRow>("SELECT day, count, bytes FROM insight_usage WHERE tenant_id = $1 AND day = $2", [tenantId, day]);
      return rows[0] ? dayOf(rows[0]) : { day, count: 0, bytes: 0 };
    },
    async days(tenantId, from, to) {
      const { rows } = await sql.query<UsageRow>(
        "SELECT day, count, bytes FROM insight_usage WHERE tenant_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
        [tenantId, from, to],
      );
      return rows.map(dayOf);
    },
    async forgetBefore(tenantId, day) {
      const { rowCount } = await sql.query("DELETE FROM insight_usage WHERE tenant_id = $1 AND day < $2", [tenantId, day]);
      return rowCount ?? 0;
    },
  };
}
