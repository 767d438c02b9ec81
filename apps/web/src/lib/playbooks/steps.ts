import type { CacaoPlaybook, CacaoStep, DefinitionSummary, PlaybookStepView } from "@canopy/content";

// The "view as steps" ordering of @canopy/content's `playbookSteps`, kept here because importing
// the package at run time does not build for the browser (its @canopy/protocol import reaches
// node:crypto) and would bring zod (~110 KB gzip) for 2 KB of logic. steps.test.ts checks this
// port against the package's own function on the six real CACAO playbooks, so the two cannot
// drift apart unnoticed. Replace with an import once the package has a browser entry.

type Link = { label: string; stepId: string };

/** The next-step links of a step, in the order a reader follows them. */
function stepLinks(step: CacaoStep): Link[] {
  const links: Link[] = [];
  const add = (label: string, stepId: string | undefined) => {
    if (stepId !== undefined) links.push({ label, stepId });
  };
  if (step.type === "if-condition") {
    add("on_true", step.on_true);
    add("on_false", step.on_false);
  } else if (step.type === "while-condition") {
    add("on_true", step.on_true);
  } else if (step.type === "parallel") {
    for (const next of step.next_steps) add("next_steps", next);
  } else if (step.type === "switch-condition") {
    for (const [value, next] of Object.entries(step.cases)) add(`case ${value}`, next);
  }
  add("on_success", step.on_success);
  add("on_failure", step.on_failure);
  add("on_completion", step.on_completion);
  return links;
}

/**
 * The workflow in reading order: breadth-first from workflow_start following each step's links
 * in order, then any unreachable steps in document order.
 */
export function playbookSteps(playbook: CacaoPlaybook): PlaybookStepView[] {
  const { workflow } = playbook;
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = Object.hasOwn(workflow, playbook.workflow_start) ? [playbook.workflow_start] : [];
  if (playbook.workflow_exception !== undefined && Object.hasOwn(workflow, playbook.workflow_exception)) queue.push(playbook.workflow_exception);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const link of stepLinks(workflow[id]!)) if (Object.hasOwn(workflow, link.stepId) && !seen.has(link.stepId)) queue.push(link.stepId);
  }
  const reachable = new Set(order);
  for (const id of Object.keys(workflow)) if (!reachable.has(id)) order.push(id);
  const numbers = new Map(order.map((id, index) => [id, index + 1]));
  return order.map((id) => describeStep(playbook, id, workflow[id]!, numbers, reachable.has(id)));
}

function describeStep(playbook: CacaoPlaybook, id: string, step: CacaoStep, numbers: Map<string, number>, reachable: boolean): PlaybookStepView {
  const view: PlaybookStepView = {
    number: numbers.get(id)!,
    id,
    type: step.type,
    name: step.name ?? step.type,
    commands: [],
    targets: [],
    next: stepLinks(step).map(({ label, stepId }) => ({ label, stepId, number: numbers.get(stepId) })),
    reachable,
    isException: id === playbook.workflow_exception,
  };
  if (step.description !== undefined) view.description = step.description;
  if (step.type === "if-condition" || step.type === "while-condition") view.condition = step.condition;
  if (step.type === "switch-condition") view.condition = step.switch;
  if (step.type === "action") {
    view.commands = step.commands.map(({ type, command, description }) => ({
      type,
      ...(command === undefined ? {} : { command }),
      ...(description === undefined ? {} : { description }),
    }));
  }
  if (step.type === "action" || step.type === "playbook-action") {
    if (step.agent !== undefined) view.agent = summarize(step.agent, playbook.agent_definitions);
    view.targets = (step.targets ?? []).map((target) => summarize(target, playbook.target_definitions));
  }
  return view;
}

function summarize(id: string, definitions: Record<string, { name?: string; type?: string }> | undefined): DefinitionSummary {
  const definition = definitions !== undefined && Object.hasOwn(definitions, id) ? definitions[id] : undefined;
  return {
    id,
    ...(definition?.name === undefined ? {} : { name: definition.name }),
    ...(definition?.type === undefined ? {} : { type: definition.type }),
  };
}
