import { describe, expect, it } from "vitest";
import { ACTION, AGENT, END, IF, NOTIFY, SIGMA_RULE, START, TARGET, playbookFixture } from "../test/fixtures.js";
import { importSigma } from "./sigma-import.js";
import { type ValidationIssue, contentName, validateContent } from "./index.js";

function issuesOf(result: { ok: true } | { ok: false; issues: ValidationIssue[] }): ValidationIssue[] {
  if (result.ok) throw new Error("expected the document to be refused");
  return result.issues;
}

function sigmaBody(yamlText: string): Record<string, unknown> {
  const { accepted } = importSigma(SIGMA_RULE);
  const rule = accepted[0]!;
  return { ...rule, raw: yamlText };
}

describe("validateContent: custom fields", () => {
  const field = { name: "Severity override", type: "select", appliesTo: "incident", options: ["low", "high"], default: "low" };

  it("accepts a valid field and names it", () => {
    const result = validateContent("custom-field", field);
    expect(result).toMatchObject({ ok: true, name: "Severity override" });
    if (result.ok) expect(contentName("custom-field", result.value)).toBe("Severity override");
  });

  it("says a select field needs options", () => {
    const { options: _options, default: _default, ...withoutOptions } = field;
    expect(issuesOf(validateContent("custom-field", withoutOptions))).toEqual([
      { path: "options", message: "a select field needs at least one option" },
    ]);
  });

  it("says options are only for select and multiselect", () => {
    expect(issuesOf(validateContent("custom-field", { name: "Ticket", type: "text", appliesTo: "task", options: ["a"] }))).toEqual([
      { path: "options", message: "only select and multiselect fields have options, not text fields" },
    ]);
  });

  it("says a default of the wrong type is wrong, with what was found", () => {
    expect(issuesOf(validateContent("custom-field", { name: "Count", type: "number", appliesTo: "entity", default: "3" }))).toEqual([
      { path: "default", message: 'must be a number for a number field (got "3")' },
    ]);
    expect(issuesOf(validateContent("custom-field", { ...field, default: "medium" }))).toEqual([
      { path: "default", message: '"medium" is not one of the options' },
    ]);
    expect(
      issuesOf(validateContent("custom-field", { ...field, type: "multiselect", default: ["low", "nope"] })),
    ).toEqual([{ path: "default[1]", message: '"nope" is not one of the options' }]);
    expect(issuesOf(validateContent("custom-field", { name: "Due", type: "date", appliesTo: "task", default: "31/01/2024" }))[0]).toEqual({
      path: "default",
      message: 'must be an ISO 8601 date (2024-01-31 or 2024-01-31T12:00:00Z) for a date field (got "31/01/2024")',
    });
  });

  it("names missing, unknown and mistyped members", () => {
    expect(issuesOf(validateContent("custom-field", { name: " ", type: "colour", applies_to: "incident" }))).toEqual([
      { path: "name", message: "must not be empty" },
      { path: "type", message: 'must be one of "text", "number", "boolean", "date", "select", "multiselect", "user" (got "colour")' },
      { path: "appliesTo", message: "is required" },
      { path: "", message: "unknown property: applies_to" },
    ]);
  });
});

describe("validateContent: SIEM rules", () => {
  it("accepts a Sigma rule and names it by its title", () => {
    expect(validateContent("siem-rule", sigmaBody(SIGMA_RULE))).toMatchObject({ ok: true, name: "Suspicious Whoami Execution" });
  });

  it("refuses a rule without detection", () => {
    const { detection: _detection, ...rule } = sigmaBody(SIGMA_RULE);
    expect(issuesOf(validateContent("siem-rule", rule))).toEqual([
      { path: "detection", message: "the rule has no detection section (legacy or incomplete rule)" },
    ]);
  });

  it("refuses a detection without condition", () => {
    const rule = sigmaBody(SIGMA_RULE);
    const { condition: _condition, ...detection } = rule.detection as Record<string, unknown>;
    expect(issuesOf(validateContent("siem-rule", { ...rule, detection }))).toEqual([
      { path: "detection.condition", message: "the detection has no condition (legacy or incomplete rule)" },
    ]);
  });

  it("refuses a condition that is not text, a v1 aggregation, and unknown identifiers", () => {
    const rule = sigmaBody(SIGMA_RULE);
    const detection = rule.detection as Record<string, unknown>;
    expect(issuesOf(validateContent("siem-rule", { ...rule, detection: { ...detection, condition: { all: "selection" } } }))).toEqual([
      { path: "detection.condition", message: "the condition must be a non-empty string or a list of strings" },
    ]);
    expect(issuesOf(validateContent("siem-rule", { ...rule, detection: { ...detection, condition: "selection | count() by host > 5" } }))).toEqual([
      {
        path: "detection.condition",
        message: 'the condition uses a Sigma v1 aggregation ("| count() by host > 5"), which Sigma v2 dropped (use a correlation rule)',
      },
    ]);
    expect(issuesOf(validateContent("siem-rule", { ...rule, detection: { ...detection, condition: ["selection", "1 of sel_*"] } }))).toEqual([
      { path: "detection.condition[1]", message: 'the condition names "sel_*", which is not a search identifier of the detection' },
    ]);
  });

  it("checks level and logsource", () => {
    const rule = sigmaBody(SIGMA_RULE);
    expect(issuesOf(validateContent("siem-rule", { ...rule, level: "severe" }))[0]).toEqual({
      path: "level",
      message: 'must be one of "informational", "low", "medium", "high", "critical" (got "severe")',
    });
    expect(issuesOf(validateContent("siem-rule", { ...rule, logsource: { definition: "x" } }))).toEqual([
      { path: "logsource", message: "logsource needs a category, product or service" },
    ]);
  });
});

describe("validateContent: playbooks", () => {
  it("accepts the fixture and names it", () => {
    expect(validateContent("playbook", playbookFixture())).toMatchObject({ ok: true, name: "Isolate host" });
  });

  it("says which on_completion points at a missing step", () => {
    const playbook = playbookFixture();
    playbook.workflow[ACTION]!.on_completion = "action--00000000-0000-4000-8000-000000000000";
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      {
        path: `workflow.${ACTION}.on_completion`,
        message: 'refers to step "action--00000000-0000-4000-8000-000000000000", which is not in the workflow',
      },
    ]);
  });

  it("says the workflow_start is missing, or does not name a start step", () => {
    const { workflow_start: _start, ...withoutStart } = playbookFixture();
    expect(issuesOf(validateContent("playbook", withoutStart))).toEqual([
      { path: "workflow_start", message: "a playbook needs a workflow_start: the id of its start step" },
    ]);
    expect(issuesOf(validateContent("playbook", { ...playbookFixture(), workflow_start: END }))).toEqual([
      { path: "workflow_start", message: `must name a start step (${END} is an end step)` },
    ]);
  });

  it("says which step has an unknown type", () => {
    const playbook = playbookFixture() as unknown as { workflow: Record<string, Record<string, unknown>> };
    playbook.workflow[IF]!.type = "loop";
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      {
        path: `workflow.${IF}.type`,
        message:
          'unknown step type "loop" (expected one of start, end, action, playbook-action, parallel, if-condition, while-condition, switch-condition)',
      },
    ]);
  });

  it("says which command has no type", () => {
    const playbook = playbookFixture() as unknown as { workflow: Record<string, { commands: Record<string, unknown>[] }> };
    delete playbook.workflow[ACTION]!.commands[0]!.type;
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      { path: `workflow.${ACTION}.commands[0].type`, message: "a command needs a type (manual, bash, ssh, http-api, powershell, …)" },
    ]);
  });

  it("checks agents, targets, step ids and what each step type requires", () => {
    const playbook = playbookFixture() as unknown as Record<string, unknown> & { workflow: Record<string, Record<string, unknown>> };
    playbook.workflow[ACTION]!.agent = "soarca--11111111-1111-4111-8111-111111111111";
    playbook.workflow[ACTION]!.targets = [TARGET, "linux--22222222-2222-4222-8222-222222222222"];
    delete playbook.workflow[IF]!.on_true;
    playbook.workflow[END]!.on_completion = START;
    playbook.target_definitions = { [TARGET]: { type: "ssh", name: "web-1" } };
    const issues = issuesOf(validateContent("playbook", playbook));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: `workflow.${IF}.on_true`, message: "is required" },
        { path: `workflow.${END}.on_completion`, message: "an end step has no next step" },
      ]),
    );
    // Step shapes are fixed first; links and definitions are checked once every step has its shape.
    delete playbook.workflow[END]!.on_completion;
    playbook.workflow[IF]!.on_true = END;
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      { path: `workflow.${ACTION}.agent`, message: 'agent "soarca--11111111-1111-4111-8111-111111111111" is not defined in agent_definitions' },
      { path: `workflow.${ACTION}.targets[1]`, message: 'target "linux--22222222-2222-4222-8222-222222222222" is not defined in target_definitions' },
      { path: `target_definitions.${TARGET}.address`, message: "a ssh definition needs address" },
    ]);
    expect(AGENT).toBeTruthy();
  });

  it("says when a step id does not match its type", () => {
    const playbook = playbookFixture();
    const wrongId = "action--9d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f70";
    const { [END]: end, ...rest } = playbook.workflow;
    playbook.workflow = { ...rest, [wrongId]: end! };
    Object.assign(playbook.workflow[IF]!, { on_false: wrongId });
    Object.assign(playbook.workflow[NOTIFY]!, { on_completion: wrongId });
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      { path: `workflow.${wrongId}`, message: 'the id says "action" but the step\'s type is "end"' },
    ]);
  });

  it("says when the workflow lacks an end step or an action", () => {
    const playbook = playbookFixture();
    playbook.workflow = { [START]: { type: "start", on_completion: START } };
    expect(issuesOf(validateContent("playbook", playbook))).toEqual([
      { path: "workflow", message: "the workflow has no end step" },
      { path: "workflow", message: "the workflow has no action or playbook-action step" },
    ]);
  });

  it("refuses what is not a playbook at all", () => {
    expect(issuesOf(validateContent("playbook", []))).toEqual([{ path: "", message: "a playbook must be a JSON object" }]);
    expect(issuesOf(validateContent("playbook", { ...playbookFixture(), spec_version: "cacao-1.0" }))).toEqual([
      { path: "spec_version", message: 'must be "cacao-2.0" (got "cacao-1.0")' },
    ]);
  });
});

describe("validateContent: tuning expressions and library items", () => {
  it("accepts a tuning expression, with or without rules, and refuses an empty expression", () => {
    expect(validateContent("tuning-expression", { name: "Ignore backup host", expression: "host != 'backup-1'", rules: [] })).toMatchObject({ ok: true });
    expect(issuesOf(validateContent("tuning-expression", { name: "x", expression: "  ", rules: ["a", "a"] }))).toEqual([
      { path: "expression", message: "must not be empty" },
    ]);
    expect(issuesOf(validateContent("tuning-expression", { name: "x", expression: "y", rules: ["a", "a"] }))).toEqual([
      { path: "rules[1]", message: 'rule "a" is listed twice' },
    ]);
  });

  it("checks the members each library item type has", () => {
    expect(validateContent("library", { type: "folder", path: "SOC/Windows" })).toMatchObject({ ok: true, name: "SOC/Windows" });
    expect(issuesOf(validateContent("library", { type: "scheduled-search", path: "SOC/Logons", query: "x" }))).toEqual([
      { path: "connection", message: "a scheduled-search needs a connection" },
      { path: "schedule", message: "a scheduled-search needs a schedule" },
    ]);
    expect(issuesOf(validateContent("library", { type: "scheduled-report", path: "SOC//Weekly", schedule: "every monday" }))).toEqual([
      { path: "path", message: '"SOC//Weekly" has an empty folder name (leading, trailing or double "/")' },
      { path: "schedule", message: '"every monday" is not a cron expression (like "0 6 * * 1" or "@daily")' },
    ]);
    expect(issuesOf(validateContent("library", { type: "folder", path: "A", query: "x" }))).toEqual([
      { path: "query", message: "a folder has no query" },
    ]);
  });

  it("refuses an unknown kind", () => {
    expect(issuesOf(validateContent("widget" as never, {}))[0]!.message).toMatch(/^unknown content kind "widget"/);
  });
});
