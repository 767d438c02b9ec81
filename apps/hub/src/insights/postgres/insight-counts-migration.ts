import type { Migration } from "@canopy/store";
import { insightFollowTriggers } from "./insight-triggers.js";

/**
 * How many insights each tenant has per status and severity, kept by the database as rows come
 * and go (the embedded index's `FacetCounts`): the total of a list filtered only by tenant, status
 * and severity (no filter, the board's columns, most lists) is a sum over a few rows instead of
 * a count over up to every insight.
 *
 * Statement triggers with transition tables: one `INSERT … ON CONFLICT` per statement, whatever
 * its row count. Old and new rows go in one statement, sorted, so two transactions touching the
 * same counters take their locks in the same order and cannot deadlock.
 */
export const insightCountsMigration = (version: number): Migration => ({
  version,
  name: "insight-counts",
  sql: `
    CREATE TABLE insight_counts (
      tenant_id text NOT NULL,
      status text NOT NULL,
      severity text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (tenant_id, status, severity)
    );
    INSERT INTO insight_counts SELECT tenant_id, status, severity, count(*) FROM insights GROUP BY 1, 2, 3;

    CREATE FUNCTION insight_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO insight_counts
          SELECT tenant_id, status, severity, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (tenant_id, status, severity) DO UPDATE SET n = insight_counts.n + excluded.n;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO insight_counts
          SELECT tenant_id, status, severity, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (tenant_id, status, severity) DO UPDATE SET n = insight_counts.n + excluded.n;
        DELETE FROM insight_counts WHERE n = 0;
      ELSE
        INSERT INTO insight_counts
          SELECT tenant_id, status, severity, sum(d) FROM (
            SELECT tenant_id, status, severity, -1 AS d FROM old_rows
            UNION ALL SELECT tenant_id, status, severity, 1 FROM new_rows
          ) AS changed GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
          ON CONFLICT (tenant_id, status, severity) DO UPDATE SET n = insight_counts.n + excluded.n;
      END IF;
      RETURN NULL;
    END $$;
    ${insightFollowTriggers("insight_counts")}
  `,
});
