import { RECORDS_TABLE, type Migration } from "@canopy/store";

/**
 * The catalogue leaves the store's records for tables of its own, queried by its repository
 * (never loaded at start):
 * - `canopy_content`: names unique per kind ignoring case (`name_key`), pages a range scan of
 *   `(kind, name_key, id)` in `COLLATE "C"` (code-point order, as the embedded store sorts);
 *   `level`, `tags` and `search` (the lower-cased texts `q` looks in) for the list's filters.
 * - `canopy_content_revisions`: every saved revision by `(item_id, revision)`, kept after the
 *   item is deleted.
 * Rows an earlier version wrote move over in the same step (their keys lower-cased by the
 * database, new ones by the hub).
 */
export const contentMigration = (version: number): Migration => ({
  version,
  name: "content-tables",
  sql: `
    CREATE TABLE canopy_content (
      id text PRIMARY KEY,
      kind text COLLATE "C" NOT NULL,
      name_key text COLLATE "C" NOT NULL,
      level text,
      tags text[] NOT NULL,
      search text[] NOT NULL,
      doc json NOT NULL,
      UNIQUE (kind, name_key)
    );
    CREATE INDEX canopy_content_page ON canopy_content (kind, name_key, id);
    CREATE TABLE canopy_content_revisions (
      item_id text NOT NULL,
      revision integer NOT NULL,
      kind text NOT NULL,
      doc json NOT NULL,
      PRIMARY KEY (item_id, revision)
    );

    INSERT INTO canopy_content (id, kind, name_key, level, tags, search, doc)
      SELECT id, doc->>'kind', lower(doc->>'name'),
        CASE WHEN json_typeof(doc->'body'->'level') = 'string' THEN doc->'body'->>'level' END,
        CASE WHEN json_typeof(doc->'body'->'tags') = 'array'
          THEN ARRAY(SELECT e.v#>>'{}' FROM json_array_elements(doc->'body'->'tags') AS e(v) WHERE json_typeof(e.v) = 'string')
          ELSE '{}' END,
        ARRAY[lower(doc->>'name')]
          || CASE WHEN json_typeof(doc->'body'->'description') = 'string' THEN ARRAY[lower(doc->'body'->>'description')] ELSE '{}' END
          || CASE WHEN json_typeof(doc->'body'->'tags') = 'array'
               THEN ARRAY(SELECT lower(e.v#>>'{}') FROM json_array_elements(doc->'body'->'tags') AS e(v) WHERE json_typeof(e.v) = 'string')
               ELSE '{}' END
          || CASE WHEN doc->>'kind' = 'siem-rule' AND json_typeof(doc->'body'->'id') = 'string' THEN ARRAY[lower(doc->'body'->>'id')] ELSE '{}' END,
        doc
      FROM ${RECORDS_TABLE} WHERE collection LIKE 'content.%';
    INSERT INTO canopy_content_revisions (item_id, revision, kind, doc)
      SELECT doc->>'itemId', (doc->>'revision')::integer, doc->>'kind', doc
      FROM ${RECORDS_TABLE} WHERE collection LIKE 'content-revisions.%';
    DELETE FROM ${RECORDS_TABLE} WHERE collection LIKE 'content.%' OR collection LIKE 'content-revisions.%';
  `,
});
