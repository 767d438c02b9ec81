import { type ValidationIssue, type Validated, failed, issue, ok, parseWith } from "../issues.js";
import { IDENTIFIER, identifierType } from "./identifiers.js";
import { type CacaoPlaybook, type CacaoStep, PlaybookShape, STEP_SCHEMAS, STEP_TYPES, type StepType } from "./schema.js";
import { checkDefinitions, checkReferences } from "./references.js";

/**
 * CACAO 2.0 validation: the document's shape, every workflow step by its type, then the links
 * between steps and into the agent / target / authentication definitions. All problems are
 * reported at once, each with its path.
 */
export function validatePlaybook(body: unknown): Validated<CacaoPlaybook> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return failed([issue([], "a playbook must be a JSON object")]);
  }
  const shape = parseWith(PlaybookShape, body);
  const issues: ValidationIssue[] = shape.ok ? [] : [...shape.issues];
  const rawWorkflow = (body as { workflow?: unknown }).workflow;
  const steps: Record<string, CacaoStep> = {};
  if (rawWorkflow !== null && typeof rawWorkflow === "object" && !Array.isArray(rawWorkflow)) {
    for (const [id, step] of Object.entries(rawWorkflow)) {
      const checked = checkStep(id, step);
      if (checked.step !== undefined) steps[id] = checked.step;
      issues.push(...checked.issues);
    }
  }
  if (!shape.ok) return failed(issues);
  const playbook: CacaoPlaybook = { ...shape.value, workflow: steps };
  // Steps that failed their own checks are still valid link targets: no "missing step" noise.
  const stepIds = new Set(Object.keys(shape.value.workflow));
  issues.push(...checkWorkflowShape(playbook), ...checkReferences(playbook, stepIds), ...checkDefinitions(playbook));
  return issues.length > 0 ? failed(issues) : ok(playbook, playbook.name);
}

/** A step's own checks; `step` is set when it has the shape of its type (links checked later). */
function checkStep(id: string, step: unknown): { step?: CacaoStep; issues: ValidationIssue[] } {
  const at = ["workflow", id];
  const invalid = (found: ValidationIssue[]) => ({ issues: found });
  if (step === null || typeof step !== "object" || Array.isArray(step)) return invalid([issue(at, "a workflow step must be an object")]);
  const type = (step as { type?: unknown }).type;
  if (type === undefined) return invalid([issue([...at, "type"], `a step needs a type (${STEP_TYPES.join(", ")})`)]);
  if (typeof type !== "string" || !(STEP_TYPES as readonly string[]).includes(type)) {
    return invalid([issue([...at, "type"], `unknown step type ${JSON.stringify(type)} (expected one of ${STEP_TYPES.join(", ")})`)]);
  }
  const stepType = type as StepType;
  const issues: ValidationIssue[] = [];
  if (!IDENTIFIER.test(id)) issues.push(issue(at, `step ids look like ${stepType}--<uuid>`));
  else if (identifierType(id) !== stepType) {
    issues.push(issue(at, `the id says "${identifierType(id)}" but the step's type is "${stepType}"`));
  }
  const parsed = parseWith(STEP_SCHEMAS[stepType], step, at);
  if (!parsed.ok) return invalid([...issues, ...parsed.issues]);
  issues.push(...checkStepLinks(at, parsed.value));
  return { step: parsed.value, issues };
}

/** Which of the generic next-step members a step may use (CACAO 2.0 §4.1, §4.3, §4.4). */
function checkStepLinks(at: string[], step: CacaoStep): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const has = (member: "on_completion" | "on_success" | "on_failure") => step[member] !== undefined;
  if (step.type === "end") {
    for (const member of ["on_completion", "on_success", "on_failure"] as const) {
      if (has(member)) issues.push(issue([...at, member], "an end step has no next step"));
    }
  } else if (step.type === "start") {
    for (const member of ["on_success", "on_failure"] as const) {
      if (has(member)) issues.push(issue([...at, member], "a start step continues with on_completion only"));
    }
  }
  if (step.type !== "end" && has("on_completion") && (has("on_success") || has("on_failure"))) {
    issues.push(issue([...at, "on_completion"], "use either on_completion or on_success / on_failure, not both"));
  }
  return issues;
}

/** Every playbook has a start step, an action (or playbook-action) step and an end step. */
function checkWorkflowShape(playbook: CacaoPlaybook): ValidationIssue[] {
  const types = new Set(Object.values(playbook.workflow).map((step) => step.type));
  const issues: ValidationIssue[] = [];
  if (Object.keys(playbook.workflow).length === 0) {
    return [issue(["workflow"], "the workflow is empty: it needs a start step, an action step and an end step")];
  }
  if (!types.has("start")) issues.push(issue(["workflow"], "the workflow has no start step"));
  if (!types.has("end")) issues.push(issue(["workflow"], "the workflow has no end step"));
  if (!types.has("action") && !types.has("playbook-action")) {
    issues.push(issue(["workflow"], "the workflow has no action or playbook-action step"));
  }
  return issues;
}
