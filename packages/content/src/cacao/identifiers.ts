// The patterns of the official CACAO 2.0 JSON schemas, so that what passes here exports valid.
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}";

/** `object-type--<uuid>` (CACAO 2.0 §10.10). */
export const IDENTIFIER = new RegExp(`^[a-z][a-z0-9-]+[a-z0-9]--${UUID}$`);
export const PLAYBOOK_ID = new RegExp(`^playbook--${UUID}$`);
/** RFC 3339 in UTC with a `Z`, optional fraction of a second (CACAO 2.0 §10.16). */
export const TIMESTAMP = /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$/;
/** Variable names are wrapped in double underscores: `__hostname__`. */
export const VARIABLE_NAME = /^__[a-zA-Z_][a-zA-Z0-9_-]{0,199}__$/;

/** The type prefix of an identifier (`action` for `action--…`), or undefined if it is not one. */
export function identifierType(id: string): string | undefined {
  // The uuid is 36 characters and is preceded by "--".
  return IDENTIFIER.test(id) ? id.slice(0, id.length - 38) : undefined;
}
