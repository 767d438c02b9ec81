import { RECORDS_TABLE, type Migration } from "@canopy/store";

/**
 * Tenants, agents and pairing codes leave the store's records for tables of their own, queried
 * by their repositories (never loaded at start):
 * - `canopy_tenants`: `name_key` (the lower-cased name) is unique, and with `id` the order of a
 *   page (`COLLATE "C"`: by code point, as the embedded store compares); `tags` for the tag
 *   filter; `search` the lower-cased texts `q` looks in; `parent_id` for the tree.
 * - `canopy_agents`: at most one active agent per tenant (a partial unique index decides a race
 *   between two pairings); `pairing_code` finds the agent a used code paired.
 * - `canopy_pairing_codes`: swept by `expires_at`.
 * Rows an earlier version wrote move over in the same step (their keys lower-cased by the
 * database, new ones by the hub: the same for every name but a few exotic scripts).
 */
export const fleetMigration = (version: number): Migration => ({
  version,
  name: "fleet-tables",
  sql: `
    CREATE TABLE canopy_tenants (
      id text COLLATE "C" PRIMARY KEY,
      name_key text COLLATE "C" NOT NULL UNIQUE,
      parent_id text,
      tags text[] NOT NULL,
      search text[] NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_tenants_page ON canopy_tenants (name_key, id);
    CREATE INDEX canopy_tenants_parent ON canopy_tenants (parent_id);
    CREATE TABLE canopy_agents (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      revoked boolean NOT NULL,
      pairing_code text,
      hostname_key text NOT NULL,
      doc json NOT NULL
    );
    CREATE UNIQUE INDEX canopy_agents_active ON canopy_agents (tenant_id) WHERE NOT revoked;
    CREATE INDEX canopy_agents_code ON canopy_agents (pairing_code) WHERE pairing_code IS NOT NULL;
    CREATE TABLE canopy_pairing_codes (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      expires_at text COLLATE "C" NOT NULL,
      used boolean NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_pairing_codes_tenant ON canopy_pairing_codes (tenant_id);
    CREATE INDEX canopy_pairing_codes_expiry ON canopy_pairing_codes (expires_at);

    INSERT INTO canopy_tenants (id, name_key, parent_id, tags, search, doc)
      SELECT id, lower(doc->>'name'), doc->>'parentId',
        ARRAY(SELECT json_array_elements_text(doc->'tags')),
        ARRAY[lower(doc->>'name'), lower(doc->>'description')] || ARRAY(SELECT lower(json_array_elements_text(doc->'tags'))),
        doc
      FROM ${RECORDS_TABLE} WHERE collection = 'tenants' OR collection LIKE 'tenants.%';
    INSERT INTO canopy_agents (id, tenant_id, revoked, pairing_code, hostname_key, doc)
      SELECT id, doc->>'tenantId', doc->>'revokedAt' IS NOT NULL, doc->>'pairingCode', lower(doc->>'hostname'), doc
      FROM ${RECORDS_TABLE} WHERE collection = 'agents' OR collection LIKE 'agents.%';
    INSERT INTO canopy_pairing_codes (id, tenant_id, expires_at, used, doc)
      SELECT id, doc->>'tenantId', doc->>'expiresAt', doc->>'usedAt' IS NOT NULL, doc
      FROM ${RECORDS_TABLE} WHERE collection = 'pairing-codes';
    DELETE FROM ${RECORDS_TABLE}
      WHERE collection IN ('tenants', 'agents', 'pairing-codes') OR collection LIKE 'tenants.%' OR collection LIKE 'agents.%';
  `,
});
