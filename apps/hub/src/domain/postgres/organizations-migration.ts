import { RECORDS_TABLE, type Migration } from "@canopy/store";

/**
 * Organizations, users and roles (issue 12): a user's organization is a column computed from
 * the document (`org_id`, the root for users of earlier versions, so no writer has to know of
 * it), and a scope lists its users with an index; custom roles
 * and one-time invite links get tables of their own; audit entries are found by the
 * organization they concern (a partial index over the audit rows, as `audit-indexes`).
 */
export const organizationsMigration = (version: number): Migration => ({
  version,
  name: "organizations",
  sql: `
    ALTER TABLE canopy_users ADD COLUMN org_id text COLLATE "C" GENERATED ALWAYS AS (coalesce(doc->>'orgId', 'org_root')) STORED;
    CREATE INDEX canopy_users_org ON canopy_users (org_id, email);
    CREATE TABLE canopy_roles (
      id text COLLATE "C" PRIMARY KEY,
      doc json NOT NULL
    );
    CREATE TABLE canopy_invites (
      id text PRIMARY KEY,
      user_id text NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_invites_user ON canopy_invites (user_id);
    CREATE INDEX canopy_pushes_org ON canopy_pushes ((coalesce(doc->>'orgId', 'org_root')), id);
    CREATE INDEX canopy_records_audit_org ON ${RECORDS_TABLE} ((doc->>'orgId'), id) WHERE collection LIKE 'audit.%';
  `,
});
