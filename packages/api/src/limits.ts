/**
 * Every bound the API puts on its input, in one module without zod: the schemas use them, and the
 * web UI imports them (`@canopy/api/limits`) to check a form before asking, without shipping zod.
 */

export const TENANT_NAME_MAX = 100;
export const TENANT_DESCRIPTION_MAX = 2000;
/** Characters per tag. */
export const TAG_MAX = 64;
/** Tags per tenant. */
export const TAGS_MAX = 32;
/** The `q` search text of `GET /tenants`. */
export const SEARCH_MAX = 200;

/** Path ids (`/tenants/{id}`, `/api-keys/{id}`). */
export const ID_MAX = 100;

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export const EMAIL_MAX = 254;
export const PASSWORD_MAX = 1024;
export const API_KEY_NAME_MAX = 100;

/** Filters of `GET /audit`. */
export const AUDIT_ACTION_MAX = 64;
export const AUDIT_TARGET_MAX = 200;

/** A pairing code lives at most a week, however it was asked for. */
export const MAX_PAIRING_TTL_SECONDS = 7 * 24 * 60 * 60;

/** `POST /content/import` takes large bodies (all of a Sigma repository is ~8 MB of YAML). */
export const CONTENT_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
/** Files in one `{files: [...]}` import. */
export const CONTENT_IMPORT_FILES_MAX = 20_000;
/** File names of an import, echoed in refusals. */
export const CONTENT_FILE_NAME_MAX = 1024;
/** The `level` and `tag` filters of `GET /content/siem-rules`. */
export const CONTENT_FILTER_MAX = 200;

/** Items named in one `POST /pushes` (a folder or associated rules may add more). */
export const PUSH_ITEMS_MAX = 20_000;
/** Tenants named in one push's targets (`tenants`, `exclude`) or rollback. */
export const PUSH_TARGETS_MAX = 10_000;

/** Insights named in one `POST /insights/bulk`. */
export const INSIGHT_BULK_MAX = 1000;
/** Values in one list filter of `GET /insights` (`status=new,closed`). */
export const INSIGHT_FILTER_VALUES_MAX = 100;

export const DASHBOARD_NAME_MAX = 100;
export const DASHBOARD_WIDGETS_MAX = 24;
export const WIDGET_TITLE_MAX = 100;

/** A role's name (built-in, an earlier version's alias, or one someone defined). */
export const ROLE_NAME_MAX = 60;
/** Roles one user or API key holds. */
export const ROLES_PER_USER_MAX = 20;
/** Custom roles one organization keeps (each defines its own; the root's and a parent's are usable under them). */
export const CUSTOM_ROLES_MAX = 200;
/** A one-time invite or reset token as pasted back. */
export const INVITE_TOKEN_MAX = 200;
/** Passwords set by accepting an invite: long enough to resist guessing offline if the store leaks. */
export const PASSWORD_MIN = 10;
/** Lines of one `POST /tenants/import` CSV. */
export const TENANT_IMPORT_LINES_MAX = 5000;
