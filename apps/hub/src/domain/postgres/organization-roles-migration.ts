import type { Migration } from "@canopy/store";

/**
 * Custom roles belong to the organization that defined them (issue 12): `org_id`, the root for
 * the roles earlier versions kept (their documents have no `orgId`), and a name is unique within
 * its organization, so two organizations may each define one of the same name.
 */
export const organizationRolesMigration = (version: number): Migration => ({
  version,
  name: "organization-roles",
  sql: `
    ALTER TABLE canopy_roles ADD COLUMN org_id text COLLATE "C" NOT NULL DEFAULT 'org_root';
    ALTER TABLE canopy_roles DROP CONSTRAINT canopy_roles_pkey;
    ALTER TABLE canopy_roles ADD PRIMARY KEY (org_id, id);
  `,
});
