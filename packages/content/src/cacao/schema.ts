import { z } from "zod";
import { IDENTIFIER, PLAYBOOK_ID, TIMESTAMP, VARIABLE_NAME } from "./identifiers.js";

// Own zod schemas for CACAO 2.0 (the official JSON schemas are used only by tests). Objects are
// loose: CACAO allows extension properties, and an imported playbook must export unchanged.

export const STEP_TYPES = [
  "start",
  "end",
  "action",
  "playbook-action",
  "parallel",
  "if-condition",
  "while-condition",
  "switch-condition",
] as const;
export type StepType = (typeof STEP_TYPES)[number];

const Identifier = z.string().regex(IDENTIFIER, "must be an identifier: <object-type>--<uuid>");
const Timestamp = z.string().regex(TIMESTAMP, "must be a UTC timestamp such as 2024-01-31T12:00:00.000Z");
const Reference = z.string().min(1, "must not be empty");
const Score = z.number().int().min(0).max(100);

/** The official schema wants these dictionaries left out rather than empty (minProperties 1). */
function nonEmptyMap<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).refine((map) => Object.keys(map).length > 0, "must not be empty (leave it out instead)");
}

export const ExternalReference = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  source: z.string().optional(),
  url: z.string().optional(),
  external_id: z.string().optional(),
  reference_id: z.string().optional(),
});

export const Variable = z.looseObject({
  type: z.string().min(1),
  description: z.string().optional(),
  value: z.string().nullable().optional(),
  constant: z.boolean().optional(),
  external: z.boolean().optional(),
});

const Variables = z.record(z.string().regex(VARIABLE_NAME, "variable names look like __name__"), Variable);

export const Command = z.looseObject({
  type: z.string({
    error: (found) => (found.input === undefined ? "a command needs a type (manual, bash, ssh, http-api, powershell, …)" : undefined),
  }).min(1, "must not be empty"),
  description: z.string().optional(),
  version: z.string().optional(),
  command: z.string().optional(),
  command_b64: z.string().optional(),
  playbook_activity: z.string().optional(),
  external_references: z.array(ExternalReference).optional(),
});
export type CacaoCommand = z.infer<typeof Command>;

/** Members every workflow step may have (CACAO 2.0 §4.1). */
const StepBase = {
  type: z.enum(STEP_TYPES),
  name: z.string().optional(),
  description: z.string().optional(),
  external_references: z.array(ExternalReference).min(1).optional(),
  delay: z.number().int().min(1).optional(),
  timeout: z.number().int().min(0).optional(),
  step_variables: Variables.optional(),
  owner: Identifier.optional(),
  on_completion: Reference.optional(),
  on_success: Reference.optional(),
  on_failure: Reference.optional(),
  step_extensions: nonEmptyMap(z.record(z.string(), z.unknown())).optional(),
};

const Args = z.array(z.string()).min(1).optional();

/** The members each step type adds; the workflow validator picks the schema by `type`. */
export const STEP_SCHEMAS = {
  start: z.looseObject({ ...StepBase, type: z.literal("start") }),
  end: z.looseObject({ ...StepBase, type: z.literal("end") }),
  action: z.looseObject({
    ...StepBase,
    type: z.literal("action"),
    commands: z.array(Command).min(1, "an action needs at least one command"),
    agent: Reference,
    targets: z.array(Reference).min(1).optional(),
    in_args: Args,
    out_args: Args,
  }),
  "playbook-action": z.looseObject({
    ...StepBase,
    type: z.literal("playbook-action"),
    playbook_id: z.string().regex(PLAYBOOK_ID, "must be a playbook id: playbook--<uuid>"),
    playbook_version: Timestamp.optional(),
    agent: Reference.optional(),
    targets: z.array(Reference).min(1).optional(),
    in_args: Args,
    out_args: Args,
  }),
  parallel: z.looseObject({
    ...StepBase,
    type: z.literal("parallel"),
    next_steps: z.array(Reference).min(2, "a parallel step runs at least two steps"),
  }),
  "if-condition": z.looseObject({
    ...StepBase,
    type: z.literal("if-condition"),
    condition: z.string().min(1),
    on_true: Reference,
    on_false: Reference.optional(),
  }),
  "while-condition": z.looseObject({
    ...StepBase,
    type: z.literal("while-condition"),
    condition: z.string().min(1),
    on_true: Reference,
  }),
  "switch-condition": z.looseObject({
    ...StepBase,
    type: z.literal("switch-condition"),
    switch: z.string().min(1),
    cases: z.record(z.string(), Reference),
  }),
} satisfies Record<StepType, z.ZodType>;

export type CacaoStep = z.infer<(typeof STEP_SCHEMAS)[StepType]>;

export const AgentTarget = z.looseObject({
  type: z.string().min(1),
  name: z.string(),
  description: z.string().optional(),
  address: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).optional(),
  port: z.string().optional(),
  authentication_info: Reference.optional(),
  category: z.array(z.string()).min(1).optional(),
});
export type AgentTarget = z.infer<typeof AgentTarget>;

export const AuthenticationInfo = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
});

const ObjectMap = nonEmptyMap(z.record(z.string(), z.unknown()));

/** The playbook document; `workflow` steps are checked one by one (see validate-playbook.ts). */
export const PlaybookShape = z.looseObject({
  type: z.literal("playbook"),
  spec_version: z.literal("cacao-2.0"),
  id: z.string().regex(PLAYBOOK_ID, "must be a playbook id: playbook--<uuid>"),
  name: z.string().trim().min(1, "must not be empty").max(512),
  description: z.string().optional(),
  playbook_types: z.array(z.string()).optional(),
  playbook_activities: z.array(z.string()).min(1).optional(),
  playbook_processing_summary: z.record(z.string(), z.boolean()).optional(),
  created_by: Identifier,
  created: Timestamp,
  modified: Timestamp,
  revoked: z.boolean().optional(),
  valid_from: Timestamp.optional(),
  valid_until: Timestamp.optional(),
  derived_from: z.array(Identifier).min(1).optional(),
  related_to: z.array(Identifier).min(1).optional(),
  priority: Score.optional(),
  severity: Score.optional(),
  impact: Score.optional(),
  industry_sectors: z.array(z.string()).min(1).optional(),
  labels: z.array(z.string()).min(1).optional(),
  external_references: z.array(ExternalReference).min(1).optional(),
  markings: z.array(Identifier).min(1).optional(),
  playbook_variables: Variables.optional(),
  workflow_start: z.string({
    error: (found) => (found.input === undefined ? "a playbook needs a workflow_start: the id of its start step" : undefined),
  }),
  workflow_exception: Reference.optional(),
  workflow: z.record(z.string(), z.unknown()),
  playbook_extensions: ObjectMap.optional(),
  authentication_info_definitions: nonEmptyMap(AuthenticationInfo).optional(),
  agent_definitions: nonEmptyMap(AgentTarget).optional(),
  target_definitions: nonEmptyMap(AgentTarget).optional(),
  extension_definitions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  data_marking_definitions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  signatures: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
});

/** A CACAO 2.0 playbook as stored: the validated document with its workflow steps typed. */
// An intersection, not Omit: Omit on a loose object (string index signature) would drop the named members.
export type CacaoPlaybook = z.infer<typeof PlaybookShape> & { workflow: Record<string, CacaoStep> };
