import { z } from "zod";
import { type ValidationIssue, type Validated, describeValue, failed, issue, ok, parseWith } from "./issues.js";
import { ItemName } from "./names.js";

export const CUSTOM_FIELD_TYPES = ["text", "number", "boolean", "date", "select", "multiselect", "user"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_TARGETS = ["incident", "task", "entity"] as const;

export const CustomField = z.strictObject({
  name: ItemName,
  type: z.enum(CUSTOM_FIELD_TYPES),
  appliesTo: z.enum(CUSTOM_FIELD_TARGETS),
  description: z.string().max(4096).optional(),
  /** The choices of a select / multiselect field (required for those, forbidden for the others). */
  options: z.array(z.string().trim().min(1, "must not be empty").max(256)).max(1000).optional(),
  required: z.boolean().optional(),
  /** Must match the type: string, number, boolean, ISO date, one option, several options, user. */
  default: z.unknown().optional(),
});
export type CustomField = z.infer<typeof CustomField>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function validateCustomField(body: unknown): Validated<CustomField> {
  const parsed = parseWith(CustomField, body);
  if (!parsed.ok) return failed(parsed.issues);
  const field = parsed.value;
  const issues = [...checkOptions(field), ...checkDefault(field)];
  return issues.length > 0 ? failed(issues) : ok(field, field.name);
}

function checkOptions(field: CustomField): ValidationIssue[] {
  const needsOptions = field.type === "select" || field.type === "multiselect";
  if (!needsOptions) {
    return field.options === undefined ? [] : [issue(["options"], `only select and multiselect fields have options, not ${field.type} fields`)];
  }
  if (field.options === undefined || field.options.length === 0) {
    return [issue(["options"], `a ${field.type} field needs at least one option`)];
  }
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  field.options.forEach((option, index) => {
    if (seen.has(option)) issues.push(issue(["options", index], `duplicate option ${JSON.stringify(option)}`));
    seen.add(option);
  });
  return issues;
}

function checkDefault(field: CustomField): ValidationIssue[] {
  const value = field.default;
  if (value === undefined) return [];
  const wrong = (expected: string) => [issue(["default"], `must be ${expected} for a ${field.type} field (got ${describeValue(value)})`)];
  const options = field.options ?? [];
  switch (field.type) {
    case "text":
    case "user":
      return typeof value === "string" ? [] : wrong("a string");
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? [] : wrong("a number");
    case "boolean":
      return typeof value === "boolean" ? [] : wrong("true or false");
    case "date":
      return typeof value === "string" && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? []
        : wrong("an ISO 8601 date (2024-01-31 or 2024-01-31T12:00:00Z)");
    case "select":
      if (typeof value !== "string") return wrong("one of the options");
      return options.includes(value) ? [] : [issue(["default"], `${JSON.stringify(value)} is not one of the options`)];
    case "multiselect": {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return wrong("a list of options");
      return value.flatMap((v, index) =>
        options.includes(v) ? [] : [issue(["default", index], `${JSON.stringify(v)} is not one of the options`)],
      );
    }
  }
}
