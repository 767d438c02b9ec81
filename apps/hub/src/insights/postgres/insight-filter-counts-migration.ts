import type { Migration } from "@canopy/store";
import { insightFollowTriggers } from "./insight-triggers.js";

/** The columns a shape is made of: every list filter but tenant, time and `q`. */
const SHAPE = "status, severity, rule_id, assignee_key, tactic_keys, technique_keys, technique_parents";
/** One shape's key: NULL and '' differ in a row's text, so distinct shapes get distinct keys. */
const SHAPE_KEY = `md5(row(${SHAPE})::text)`;

/**
 * How many insights have each shape (status, severity, rule, assignee, tactics, techniques),
 * over every tenant, kept by the database as rows come and go: the exact total of a list filtered
 * by tactic, technique, rule or assignee (with status and severity, without tenant, time or `q`)
 * is a sum over the few shapes that match instead of a count over the insights. A count had to
 * visit every matching row's heap page (PostgreSQL 15 reads the heap for every bitmap scan):
 * 39,000 pages for tactic + technique at 1M insights. Rules carry their tactics and techniques,
 * so shapes grow with rules × statuses × assignees, not with insights.
 *
 * Statement triggers as `insight_counts` (insight-counts-migration.ts), shapes in key order so
 * two batches take their locks in one order.
 */
export const insightFilterCountsMigration = (version: number): Migration => ({
  version,
  name: "insight-filter-counts",
  sql: `
    CREATE TABLE insight_filter_counts (
      shape text PRIMARY KEY,
      status text NOT NULL,
      severity text NOT NULL,
      rule_id text,
      assignee_key text,
      tactic_keys text[] NOT NULL,
      technique_keys text[] NOT NULL,
      technique_parents text[] NOT NULL,
      n bigint NOT NULL
    );
    INSERT INTO insight_filter_counts SELECT ${SHAPE_KEY}, ${SHAPE}, count(*) FROM insights GROUP BY ${SHAPE};

    CREATE FUNCTION insight_filter_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO insight_filter_counts
          SELECT ${SHAPE_KEY}, ${SHAPE}, count(*) FROM new_rows GROUP BY ${SHAPE} ORDER BY 1
          ON CONFLICT (shape) DO UPDATE SET n = insight_filter_counts.n + excluded.n;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO insight_filter_counts
          SELECT ${SHAPE_KEY}, ${SHAPE}, -count(*) FROM old_rows GROUP BY ${SHAPE} ORDER BY 1
          ON CONFLICT (shape) DO UPDATE SET n = insight_filter_counts.n + excluded.n;
        DELETE FROM insight_filter_counts WHERE n = 0;
      ELSE
        INSERT INTO insight_filter_counts
          SELECT ${SHAPE_KEY}, ${SHAPE}, sum(d) FROM (
            SELECT ${SHAPE}, -1 AS d FROM old_rows
            UNION ALL SELECT ${SHAPE}, 1 FROM new_rows
          ) AS changed GROUP BY ${SHAPE} HAVING sum(d) <> 0 ORDER BY 1
          ON CONFLICT (shape) DO UPDATE SET n = insight_filter_counts.n + excluded.n;
        DELETE FROM insight_filter_counts WHERE n = 0;
      END IF;
      RETURN NULL;
    END $$;
    ${insightFollowTriggers("insight_filter_counts")}
  `,
});
