import { validatePlaybook } from "./cacao/validate-playbook.js";
import { validateCustomField } from "./custom-field.js";
import { type Validated, failed, issue } from "./issues.js";
import { type ContentBody, type ContentBodyByKind, type ContentKind, CONTENT_KINDS, isContentKind } from "./kinds.js";
import { validateLibraryItem } from "./library.js";
import { validateSigmaRule } from "./sigma-rule.js";
import { validateTuningExpression } from "./tuning.js";

const VALIDATORS: { [K in ContentKind]: (body: unknown) => Validated<ContentBodyByKind[K]> } = {
  playbook: validatePlaybook,
  "custom-field": validateCustomField,
  "siem-rule": validateSigmaRule,
  "tuning-expression": validateTuningExpression,
  library: validateLibraryItem,
};

/**
 * Validates a document of a kind. On success `value` is the normalized document (trimmed names,
 * unknown members dropped where the kind is closed) and `name` its unique name within the kind;
 * otherwise every problem with its path.
 */
export function validateContent<K extends ContentKind>(kind: K, body: unknown): Validated<ContentBodyByKind[K]> {
  if (!isContentKind(kind)) {
    return failed([issue([], `unknown content kind ${JSON.stringify(kind)} (expected one of ${CONTENT_KINDS.join(", ")})`)]);
  }
  return VALIDATORS[kind](body);
}

/** The name an item is known by (unique per kind): playbook name, field name, rule title, library path. */
export function contentName<K extends ContentKind>(kind: K, body: ContentBodyByKind[K]): string;
export function contentName(kind: ContentKind, body: ContentBody): string {
  switch (kind) {
    case "playbook":
      return (body as ContentBodyByKind["playbook"]).name;
    case "custom-field":
      return (body as ContentBodyByKind["custom-field"]).name;
    case "siem-rule":
      return (body as ContentBodyByKind["siem-rule"]).title;
    case "tuning-expression":
      return (body as ContentBodyByKind["tuning-expression"]).name;
    case "library":
      return (body as ContentBodyByKind["library"]).path;
  }
}
