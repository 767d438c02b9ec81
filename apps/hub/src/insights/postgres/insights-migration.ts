import type { Migration } from "@canopy/store";

/**
 * The federated insights on PostgreSQL: one row per insight, a real column for every filter and
 * sort, the agent's document beside them. Times are epoch milliseconds (bigint), as the cursors
 * and the embedded index hold them, so a cursor means the same on both.
 *
 * - `key` (`<tenantId>~<localId>`) is the keyset tie-breaker; `COLLATE "C"` orders it by code
 *   point, as JavaScript compares the embedded index's keys.
 * - Each sort has a btree ending in `key`, so a page is an index range scan from the cursor:
 *   `(created_at, key)`, `(updated_at, key)`, `(severity_rank, created_at, key)`, and
 *   `(closed_at, key)` for closing-time ranges. `(tenant_id, created_at, key)` and
 *   `(status, created_at, key)` serve the common tenant and board-column lists in order.
 * - Multi-valued filters are arrays of normalised values with GIN indexes (`&&`):
 *   `tactic_keys` (lower case), `technique_keys` (upper case) and `technique_parents` (`T1003`
 *   for `T1003.001`, so a technique finds its sub-techniques).
 * - `q` matches the start of words: `words` holds the same words the embedded index posts
 *   (insight-tokens.ts) as a tsvector, searched with prefix queries (`'web':*`) through GIN —
 *   the exact word-prefix rule of the embedded list, which a trigram `ILIKE` would not give.
 * - `doc` is `json`, not `jsonb`: an agent's text may hold `\u0000`, which `jsonb` refuses.
 */
export const insightsMigration = (version: number): Migration => ({
  version,
  name: "insights",
  sql: `
    CREATE TABLE insights (
      key text COLLATE "C" PRIMARY KEY,
      tenant_id text NOT NULL,
      local_id text NOT NULL,
      revision bigint NOT NULL,
      title text NOT NULL,
      severity text NOT NULL,
      severity_rank smallint NOT NULL,
      status text NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      closed_at bigint,
      rule_id text,
      rule_name text,
      assignee text,
      assignee_key text,
      tactics text[] NOT NULL,
      techniques text[] NOT NULL,
      hosts text[] NOT NULL,
      users text[] NOT NULL,
      tactic_keys text[] NOT NULL,
      technique_keys text[] NOT NULL,
      technique_parents text[] NOT NULL,
      comment_count integer NOT NULL,
      source text NOT NULL,
      words tsvector NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX insights_by_created ON insights (created_at, key);
    CREATE INDEX insights_by_updated ON insights (updated_at, key);
    CREATE INDEX insights_by_severity ON insights (severity_rank, created_at, key);
    CREATE INDEX insights_by_closed ON insights (closed_at, key) WHERE closed_at IS NOT NULL;
    CREATE INDEX insights_by_tenant ON insights (tenant_id, created_at, key);
    CREATE INDEX insights_by_status ON insights (status, created_at, key);
    CREATE INDEX insights_by_rule ON insights (rule_id) WHERE rule_id IS NOT NULL;
    CREATE INDEX insights_by_assignee ON insights (assignee_key) WHERE assignee_key IS NOT NULL;
    CREATE INDEX insights_by_tactic ON insights USING gin (tactic_keys);
    CREATE INDEX insights_by_technique ON insights USING gin (technique_keys);
    CREATE INDEX insights_by_technique_parent ON insights USING gin (technique_parents);
    CREATE INDEX insights_by_word ON insights USING gin (words);
  `,
});
