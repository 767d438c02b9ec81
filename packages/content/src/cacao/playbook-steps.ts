import { stepLinks } from "./references.js";
import type { CacaoPlaybook, CacaoStep, StepType } from "./schema.js";

export type DefinitionSummary = { id: string; name?: string; type?: string };

/** One step as the "view as steps" UI shows it. */
export type PlaybookStepView = {
  /** 1-based position in reading order. */
  number: number;
  id: string;
  type: StepType;
  /** The step's name, or its type when it has none. */
  name: string;
  description?: string;
  /** if / while condition, or the switch expression. */
  condition?: string;
  commands: { type: string; command?: string; description?: string }[];
  agent?: DefinitionSummary;
  targets: DefinitionSummary[];
  /** Where the flow goes next, labelled (on_true, case high, on_completion…), with step numbers. */
  next: { label: string; stepId: string; number?: number }[];
  /** False for steps no path from workflow_start reaches (listed last). */
  reachable: boolean;
  isException: boolean;
};

/**
 * The workflow in reading order: breadth-first from workflow_start following each step's links
 * in order (branches before the step after them), then any unreachable steps in document order.
 */
export function playbookSteps(playbook: CacaoPlaybook): PlaybookStepView[] {
  const { workflow } = playbook;
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = Object.hasOwn(workflow, playbook.workflow_start) ? [playbook.workflow_start] : [];
  if (playbook.workflow_exception !== undefined && Object.hasOwn(workflow, playbook.workflow_exception)) {
    queue.push(playbook.workflow_exception);
  }
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const link of stepLinks(workflow[id]!)) {
      if (Object.hasOwn(workflow, link.stepId) && !seen.has(link.stepId)) queue.push(link.stepId);
    }
  }
  const reachable = new Set(order);
  for (const id of Object.keys(workflow)) if (!reachable.has(id)) order.push(id);
  const numbers = new Map(order.map((id, index) => [id, index + 1]));
  return order.map((id) => describeStep(playbook, id, workflow[id]!, numbers, reachable.has(id)));
}

function describeStep(
  playbook: CacaoPlaybook,
  id: string,
  step: CacaoStep,
  numbers: Map<string, number>,
  reachable: boolean,
): PlaybookStepView {
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
