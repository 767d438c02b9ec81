import { RECORDS_TABLE, type Migration } from "@canopy/store";

/** Per push, result counts for each status, kept by the triggers below. */
const COUNTS = "canopy_push_counts";

/** A push's id from the hex in its partitions' names (`push-plan.<hex>`, `push-results.<hex>.<n>`). */
const pushOf = (collection: string) => `convert_from(decode(split_part(${collection}, '.', 2), 'hex'), 'UTF8')`;

/**
 * A document as JSON operators take it: they refuse the whole document if any string in it
 * holds `\u0000` (an agent's error may), so each such escape becomes U+FFFD, as the repository
 * writes an error. An escaped backslash before `u0000` is text, and stays.
 */
const nulFree = (doc: string) => String.raw`regexp_replace(${doc}::text, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\ufffd', 'g')::json`;

/**
 * What an earlier version kept in the records (push-records.ts) moves over: each record with its
 * plan, and the results its tenants' documents hold. A record without a plan (a write cut short)
 * was never shown and is left where it was.
 */
const moveStoredPushes = `
    -- A table of its own, not a temporary one: a migration needs CREATE, not TEMP as well.
    CREATE TABLE stored_pushes AS
      SELECT collection, id, ${nulFree("doc")} AS doc FROM ${RECORDS_TABLE}
      WHERE collection = 'pushes' OR collection LIKE 'push-plan.%' OR collection LIKE 'push-results.%';
    INSERT INTO canopy_pushes (id, created_at, created_by, state, kinds, item_ids, doc, plan)
      SELECT r.id, (r.doc->>'createdAt')::timestamptz, r.doc->>'createdBy', r.doc->>'state',
        ARRAY(SELECT json_array_elements_text(r.doc->'kinds')),
        ARRAY(SELECT DISTINCT e.item->>'itemId' FROM json_array_elements(p.doc->'items') AS e(item)),
        r.doc, p.doc
      FROM stored_pushes r
      JOIN stored_pushes p ON p.collection LIKE 'push-plan.%' AND p.id = 'plan' AND ${pushOf("p.collection")} = r.id
      WHERE r.collection = 'pushes';
    INSERT INTO canopy_push_tenants (push_id, tenant_ord, tenant_id)
      SELECT p.id, t.ord, t.tenant_id FROM canopy_pushes p, json_array_elements_text(p.plan->'tenantIds') WITH ORDINALITY AS t(tenant_id, ord);
    INSERT INTO canopy_push_items (push_id, item_ord, key)
      SELECT p.id, i.ord, i.item->>'key' FROM canopy_pushes p, json_array_elements(p.plan->'items') WITH ORDINALITY AS i(item, ord);
    INSERT INTO canopy_push_results (push_id, tenant_ord, item_ord, status, error)
      SELECT t.push_id, t.tenant_ord, i.item_ord, e.value->>'status', e.value->>'error'
      FROM stored_pushes s
      JOIN canopy_push_tenants t ON t.push_id = ${pushOf("s.collection")} AND t.tenant_id = s.id
      CROSS JOIN LATERAL json_each(s.doc->'results') AS e
      JOIN canopy_push_items i ON i.push_id = t.push_id AND i.key = e.key
      WHERE s.collection LIKE 'push-results.%'
      ORDER BY 1, 2, 3;
    DELETE FROM ${RECORDS_TABLE}
      WHERE (collection = 'pushes' AND id IN (SELECT id FROM canopy_pushes))
        OR ((collection LIKE 'push-plan.%' OR collection LIKE 'push-results.%') AND ${pushOf("collection")} IN (SELECT id FROM canopy_pushes));
    DROP TABLE stored_pushes;`;

/**
 * Pushes leave the store's records for tables of their own, queried by their repository
 * (postgres-pushes.ts). A push to 10,000 tenants × 60 items has 600,000 results, so a result row
 * holds only ordinals (`tenant_ord`, `item_ord`, 1-based plan positions) and its status, and the
 * tenants and items of a plan (10,000 and 60 rows) give them their names:
 * - `canopy_pushes`: the record (`doc`) and plan (`plan`), `json` as the store's records are (kept
 *   as written, and it takes the `\u0000` an agent's text may hold), and the columns `page()`
 *   filters by. Every page is newest first by `id` (ids sort by creation): `(created_by, id)`
 *   and `(state, id)` are range scans; kinds and catalogue items are few per push, so arrays
 *   under GIN.
 * - `canopy_push_tenants`: a plan's tenants in order. `(tenant_id, push_id)` pages a tenant's
 *   pushes as a range scan, counts a tenant's outcomes and finds a result's tenant ordinal;
 *   a tenant array on the push would be 10,000 entries re-read for every match.
 * - `canopy_push_items`: a plan's items in order, `key` to ordinal.
 * - `canopy_push_results`: one row per tenant and item, in plan order by its key.
 * - `canopy_push_counts`: results per push and status, moved by statement triggers on the
 *   results (transition tables, as the insight counters), so progress and outcomes without a
 *   tenant never count result rows. Rows are upserted in key order so two writers lock alike.
 * No foreign keys: a create writes 600,000 results, and the repository writes all of a push at once.
 */
export const pushTablesMigration = (version: number): Migration => ({
  version,
  name: "push-tables",
  sql: `
    CREATE TABLE canopy_pushes (
      id text COLLATE "C" PRIMARY KEY,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      state text NOT NULL,
      kinds text[] NOT NULL,
      item_ids text[] NOT NULL,
      doc json NOT NULL,
      plan json NOT NULL
    );
    CREATE INDEX canopy_pushes_creator ON canopy_pushes (created_by, id);
    CREATE INDEX canopy_pushes_state ON canopy_pushes (state, id);
    CREATE INDEX canopy_pushes_kinds ON canopy_pushes USING gin (kinds);
    CREATE INDEX canopy_pushes_items ON canopy_pushes USING gin (item_ids);
    CREATE INDEX canopy_pushes_created ON canopy_pushes (created_at);
    CREATE TABLE canopy_push_tenants (
      push_id text COLLATE "C" NOT NULL,
      tenant_ord integer NOT NULL,
      tenant_id text COLLATE "C" NOT NULL,
      PRIMARY KEY (push_id, tenant_ord),
      UNIQUE (tenant_id, push_id)
    );
    CREATE TABLE canopy_push_items (
      push_id text COLLATE "C" NOT NULL,
      item_ord integer NOT NULL,
      key text NOT NULL,
      PRIMARY KEY (push_id, item_ord),
      UNIQUE (push_id, key)
    );
    CREATE TABLE canopy_push_results (
      push_id text COLLATE "C" NOT NULL,
      tenant_ord integer NOT NULL,
      item_ord integer NOT NULL,
      status text NOT NULL,
      error text,
      PRIMARY KEY (push_id, tenant_ord, item_ord)
    );
    CREATE TABLE ${COUNTS} (
      push_id text COLLATE "C" NOT NULL,
      status text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (push_id, status)
    );

    CREATE FUNCTION ${COUNTS}_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO ${COUNTS}
          SELECT push_id, status, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (push_id, status) DO UPDATE SET n = ${COUNTS}.n + excluded.n;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO ${COUNTS}
          SELECT push_id, status, -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (push_id, status) DO UPDATE SET n = ${COUNTS}.n + excluded.n;
        DELETE FROM ${COUNTS} c USING (SELECT DISTINCT push_id FROM old_rows) AS gone
          WHERE c.push_id = gone.push_id AND c.n = 0;
      ELSE
        INSERT INTO ${COUNTS}
          SELECT push_id, status, sum(d) FROM (
            SELECT push_id, status, -1 AS d FROM old_rows
            UNION ALL SELECT push_id, status, 1 FROM new_rows
          ) AS changed GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
          ON CONFLICT (push_id, status) DO UPDATE SET n = ${COUNTS}.n + excluded.n;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ${COUNTS}_insert AFTER INSERT ON canopy_push_results
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${COUNTS}_follow();
    CREATE TRIGGER ${COUNTS}_update AFTER UPDATE ON canopy_push_results
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${COUNTS}_follow();
    CREATE TRIGGER ${COUNTS}_delete AFTER DELETE ON canopy_push_results
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${COUNTS}_follow();
    ${moveStoredPushes}
  `,
});
