export {
  CONTENT_KINDS,
  ContentKind,
  CONTENT_PATHS,
  KIND_BY_PATH,
  PATH_BY_KIND,
  isContentKind,
  isContentPath,
  type ContentBody,
  type ContentBodyByKind,
  type ContentPath,
} from "./kinds.js";
export { type ValidationIssue, type Validated, formatPath } from "./issues.js";
export { validateContent, contentName } from "./validate.js";
export { canonicalJson, canonicalHash } from "./canonical.js";
export { CustomField, CUSTOM_FIELD_TYPES, CUSTOM_FIELD_TARGETS, type CustomFieldType, validateCustomField } from "./custom-field.js";
export { SigmaRule, SIGMA_LEVELS, SIGMA_STATUSES, type SigmaProblemCode, validateSigmaRule } from "./sigma-rule.js";
export { importSigma, type SigmaImport, type SigmaRefusal } from "./sigma-import.js";
export { SIGMA_CONDITION_LIMITS } from "./sigma-detection.js";
export { matchesWildcard } from "./wildcard.js";
export { isCron, scheduleProblem } from "./schedule.js";
export { TuningExpression, associatedRules, validateTuningExpression } from "./tuning.js";
export {
  LibraryItem,
  LIBRARY_ITEM_TYPES,
  ADMIN_RECOMMENDED_FOLDER,
  type LibraryItemType,
  libraryDescendants,
  comparePaths,
  validateLibraryItem,
} from "./library.js";
export { STEP_TYPES, type StepType, type CacaoPlaybook, type CacaoStep, type CacaoCommand } from "./cacao/schema.js";
export { validatePlaybook } from "./cacao/validate-playbook.js";
export { importCacao, exportCacao } from "./cacao/cacao-json.js";
export { playbookSteps, type PlaybookStepView, type DefinitionSummary } from "./cacao/playbook-steps.js";
export { transformForPush, DEFAULT_PUSH_OPTIONS, type PushOptions, type PushedItem } from "./transform.js";
export { diffContent, type ContentChange, type ContentDiff } from "./diff.js";
