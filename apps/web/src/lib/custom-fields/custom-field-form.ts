import type { CustomField, CustomFieldType } from "@canopy/content";
import { ApiError } from "$lib/api";
import type { FieldErrors } from "$lib/api/problem";

export type AppliesTo = CustomField["appliesTo"];

// Labels double as the list of choices; the Record types make the compiler insist on every type
// and target @canopy/content knows (its runtime lists would bring zod into the bundle).
export const TYPE_LABELS: Record<CustomFieldType, string> = {
  text: "Text",
  number: "Number",
  boolean: "Yes / no",
  date: "Date",
  select: "Select (one option)",
  multiselect: "Multi-select",
  user: "User",
};
export const APPLIES_TO_LABELS: Record<AppliesTo, string> = { incident: "Incidents", task: "Tasks", entity: "Entities" };

export const hasOptions = (type: CustomFieldType) => type === "select" || type === "multiselect";

/** The form as typed: options one per line, the default as text (or the chosen options). */
export interface FieldDraft {
  name: string;
  type: CustomFieldType;
  appliesTo: AppliesTo;
  description: string;
  options: string;
  required: boolean;
  defaultText: string;
  defaultChoices: string[];
}

export function emptyDraft(): FieldDraft {
  return { name: "", type: "text", appliesTo: "incident", description: "", options: "", required: false, defaultText: "", defaultChoices: [] };
}

export function draftOf(field: CustomField): FieldDraft {
  const value = field.default;
  return {
    name: field.name,
    type: field.type,
    appliesTo: field.appliesTo,
    description: field.description ?? "",
    options: (field.options ?? []).join("\n"),
    required: field.required ?? false,
    defaultText: value === undefined || Array.isArray(value) ? "" : String(value),
    defaultChoices: Array.isArray(value) ? value.map(String) : [],
  };
}

export function optionList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The body to send, or what is wrong before asking the hub (the hub checks everything again). */
export function toBody(draft: FieldDraft): { ok: true; body: CustomField } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Enter a name.";
  const body: CustomField = { name, type: draft.type, appliesTo: draft.appliesTo, required: draft.required };
  const description = draft.description.trim();
  if (description) body.description = description;
  if (hasOptions(draft.type)) {
    body.options = optionList(draft.options);
    if (body.options.length === 0) errors.options = "Add at least one option, one per line.";
  }
  const text = draft.defaultText.trim();
  switch (draft.type) {
    case "multiselect":
      if (draft.defaultChoices.length > 0) body.default = draft.defaultChoices.filter((choice) => body.options?.includes(choice));
      break;
    case "number":
      if (text) {
        const number = Number(text);
        if (Number.isFinite(number)) body.default = number;
        else errors.default = "Enter a number.";
      }
      break;
    case "boolean":
      if (text) body.default = text === "true";
      break;
    default:
      if (text) body.default = text;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

const FIELDS = ["name", "type", "appliesTo", "description", "options", "required", "default"];

/**
 * A refused save as messages per form field (`options.2` → the options box, saying which line)
 * and one general message for whatever has no field.
 */
export function saveFailure(error: unknown): { fields: FieldErrors; general: string | null } {
  if (!(error instanceof ApiError)) return { fields: {}, general: error instanceof Error ? error.message : "Saving failed." };
  if (error.status === 409) return { fields: { name: error.message }, general: null };
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const issue of error.issues) {
    const [field, index] = issue.path.split(/[.[\]]+/).filter(Boolean);
    if (!field || !FIELDS.includes(field)) {
      rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    const where = index !== undefined && /^\d+$/.test(index) ? `${field === "options" ? "Option" : "Value"} ${Number(index) + 1}: ` : "";
    fields[field] ??= `${where}${issue.message}`;
  }
  const general = rest.length > 0 ? rest.join("; ") : Object.keys(fields).length === 0 ? error.message : null;
  return { fields, general };
}
