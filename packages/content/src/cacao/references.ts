import { type ValidationIssue, issue } from "../issues.js";
import { identifierType } from "./identifiers.js";
import type { AgentTarget, CacaoPlaybook, CacaoStep } from "./schema.js";

/** One outgoing link of a step: the member that holds it and the step id it names. */
export type StepLink = { label: string; path: (string | number)[]; stepId: string };

/** The next-step links of a step, in the order a reader follows them. */
export function stepLinks(step: CacaoStep): StepLink[] {
  const links: StepLink[] = [];
  const add = (label: string, path: (string | number)[], stepId: string | undefined) => {
    if (stepId !== undefined) links.push({ label, path, stepId });
  };
  if (step.type === "if-condition") {
    add("on_true", ["on_true"], step.on_true);
    add("on_false", ["on_false"], step.on_false);
  } else if (step.type === "while-condition") {
    add("on_true", ["on_true"], step.on_true);
  } else if (step.type === "parallel") {
    step.next_steps.forEach((next, index) => add("next_steps", ["next_steps", index], next));
  } else if (step.type === "switch-condition") {
    for (const [value, next] of Object.entries(step.cases)) add(`case ${value}`, ["cases", value], next);
  }
  add("on_success", ["on_success"], step.on_success);
  add("on_failure", ["on_failure"], step.on_failure);
  add("on_completion", ["on_completion"], step.on_completion);
  return links;
}

/** Links between steps, and from steps to agents and targets, must point at something defined. */
export function checkReferences(playbook: CacaoPlaybook, stepIds: ReadonlySet<string>): ValidationIssue[] {
  const { workflow } = playbook;
  const issues: ValidationIssue[] = [];
  const start = Object.hasOwn(workflow, playbook.workflow_start) ? workflow[playbook.workflow_start] : undefined;
  if (!stepIds.has(playbook.workflow_start)) {
    issues.push(issue(["workflow_start"], `refers to step ${JSON.stringify(playbook.workflow_start)}, which is not in the workflow`));
  } else if (start !== undefined && start.type !== "start") {
    const article = /^[aeiou]/.test(start.type) ? "an" : "a";
    issues.push(issue(["workflow_start"], `must name a start step (${playbook.workflow_start} is ${article} ${start.type} step)`));
  }
  if (playbook.workflow_exception !== undefined && !stepIds.has(playbook.workflow_exception)) {
    issues.push(issue(["workflow_exception"], `refers to step ${JSON.stringify(playbook.workflow_exception)}, which is not in the workflow`));
  }
  for (const [id, step] of Object.entries(workflow)) {
    for (const link of stepLinks(step)) {
      if (!stepIds.has(link.stepId)) {
        issues.push(issue(["workflow", id, ...link.path], `refers to step ${JSON.stringify(link.stepId)}, which is not in the workflow`));
      }
    }
    if (step.type === "action" || step.type === "playbook-action") {
      if (step.agent !== undefined && !defines(playbook.agent_definitions, step.agent)) {
        issues.push(issue(["workflow", id, "agent"], `agent ${JSON.stringify(step.agent)} is not defined in agent_definitions`));
      }
      step.targets?.forEach((target, index) => {
        if (!defines(playbook.target_definitions, target)) {
          issues.push(issue(["workflow", id, "targets", index], `target ${JSON.stringify(target)} is not defined in target_definitions`));
        }
      });
    }
  }
  return issues;
}

// The official schema picks a sub-schema by the key's prefix; these are the ones it knows.
const TYPED_AGENT_TARGETS: Record<string, { requires?: string[] }> = {
  group: {},
  individual: {},
  location: {},
  organization: {},
  sector: { requires: ["sector"] },
  "security-category": { requires: ["category"] },
  "http-api": { requires: ["address"] },
  linux: { requires: ["address"] },
  "net-address": { requires: ["address"] },
  ssh: { requires: ["address"] },
};
const TYPED_AUTHENTICATION: Record<string, { requires?: string[] }> = {
  "http-basic": {},
  "user-auth": {},
  oauth2: { requires: ["oauth_header", "token"] },
};

/** Agents, targets and authentication info: typed ids match their type and carry what it needs. */
export function checkDefinitions(playbook: CacaoPlaybook): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const auth = playbook.authentication_info_definitions ?? {};
  for (const member of ["agent_definitions", "target_definitions"] as const) {
    for (const [id, definition] of Object.entries(playbook[member] ?? {})) {
      issues.push(...checkTyped(member, id, definition, TYPED_AGENT_TARGETS));
      const ref = (definition as AgentTarget).authentication_info;
      if (ref !== undefined && !defines(auth, ref)) {
        issues.push(issue([member, id, "authentication_info"], `${JSON.stringify(ref)} is not defined in authentication_info_definitions`));
      }
    }
  }
  for (const [id, definition] of Object.entries(auth)) {
    issues.push(...checkTyped("authentication_info_definitions", id, definition, TYPED_AUTHENTICATION));
  }
  return issues;
}

function checkTyped(
  member: string,
  id: string,
  definition: { type: string } & Record<string, unknown>,
  known: Record<string, { requires?: string[] }>,
): ValidationIssue[] {
  const prefix = identifierType(id);
  const rules = prefix !== undefined && Object.hasOwn(known, prefix) ? known[prefix] : undefined;
  if (prefix === undefined || rules === undefined) return [];
  if (definition.type !== prefix) {
    return [issue([member, id, "type"], `must be "${prefix}" for an id that starts with "${prefix}--" (got ${JSON.stringify(definition.type)})`)];
  }
  return (rules.requires ?? [])
    .filter((field) => definition[field] === undefined)
    .map((field) => issue([member, id, field], `a ${prefix} definition needs ${field}`));
}

/** Own keys only: an id such as "constructor" must not find Object.prototype members. */
function defines(definitions: Record<string, unknown> | undefined, id: string): boolean {
  return definitions !== undefined && Object.hasOwn(definitions, id);
}
