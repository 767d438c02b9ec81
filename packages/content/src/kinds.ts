import { CONTENT_KINDS, type ContentKind } from "@canopy/protocol";
import type { CacaoPlaybook } from "./cacao/schema.js";
import type { CustomField } from "./custom-field.js";
import type { LibraryItem } from "./library.js";
import type { SigmaRule } from "./sigma-rule.js";
import type { TuningExpression } from "./tuning.js";

export { CONTENT_KINDS, ContentKind } from "@canopy/protocol";

/** The document each kind stores and pushes. */
export type ContentBodyByKind = {
  playbook: CacaoPlaybook;
  "custom-field": CustomField;
  "siem-rule": SigmaRule;
  "tuning-expression": TuningExpression;
  library: LibraryItem;
};
export type ContentBody = ContentBodyByKind[ContentKind];

export const CONTENT_PATHS = ["playbooks", "custom-fields", "siem-rules", "tuning-expressions", "library"] as const;
export type ContentPath = (typeof CONTENT_PATHS)[number];

/** HTTP path segment (`/content/:path`) → kind. */
export const KIND_BY_PATH: Record<ContentPath, ContentKind> = {
  playbooks: "playbook",
  "custom-fields": "custom-field",
  "siem-rules": "siem-rule",
  "tuning-expressions": "tuning-expression",
  library: "library",
};

/** Kind → HTTP path segment. */
export const PATH_BY_KIND: Record<ContentKind, ContentPath> = {
  playbook: "playbooks",
  "custom-field": "custom-fields",
  "siem-rule": "siem-rules",
  "tuning-expression": "tuning-expressions",
  library: "library",
};

export function isContentKind(value: unknown): value is ContentKind {
  return typeof value === "string" && (CONTENT_KINDS as readonly string[]).includes(value);
}

export function isContentPath(value: unknown): value is ContentPath {
  return typeof value === "string" && (CONTENT_PATHS as readonly string[]).includes(value);
}
