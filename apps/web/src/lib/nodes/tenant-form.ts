import { TAG_MAX, TAGS_MAX, TENANT_DESCRIPTION_MAX, TENANT_NAME_MAX } from "@canopy/api/limits";
import { ApiError, type TenantInput } from "$lib/api";
import type { FieldErrors } from "$lib/api/problem";
import { parseTags } from "$lib/format/tags";

export interface TenantDraft {
  name: string;
  tags: string;
  description: string;
}

export function toInput(draft: TenantDraft): TenantInput {
  return { name: draft.name.trim(), tags: parseTags(draft.tags), description: draft.description.trim() };
}

/**
 * What we can tell before asking the hub, with the hub's own limits (`@canopy/api/limits` has no
 * zod, so it costs the bundle a few constants); the hub's 422/409 answers are mapped below.
 */
export function validate(input: TenantInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.name) errors.name = "Enter a name.";
  else if (input.name.length > TENANT_NAME_MAX) errors.name = `Use at most ${TENANT_NAME_MAX} characters.`;
  if (input.description.length > TENANT_DESCRIPTION_MAX) errors.description = `Use at most ${TENANT_DESCRIPTION_MAX} characters.`;
  if (input.tags.length > TAGS_MAX) errors.tags = `Use at most ${TAGS_MAX} tags.`;
  else if (input.tags.some((tag) => tag.length > TAG_MAX)) errors.tags = `Each tag can have at most ${TAG_MAX} characters.`;
  return errors;
}

const FIELDS = ["name", "tags", "description"] as const;

/** Splits a failed save into messages per field and one general message for the rest. */
export function saveFailure(error: unknown): { fields: FieldErrors; general: string | null } {
  if (!(error instanceof ApiError)) return { fields: {}, general: error instanceof Error ? error.message : "Saving failed." };
  if (error.status === 409) return { fields: { name: error.message }, general: null };
  const fields: FieldErrors = {};
  for (const field of FIELDS) {
    const message = error.fieldErrors[field];
    if (message) fields[field] = message;
  }
  const unmatched = Object.keys(error.fieldErrors).some((key) => !(FIELDS as readonly string[]).includes(key));
  const general = Object.keys(fields).length === 0 || unmatched ? error.message : null;
  return { fields, general };
}
