import { z } from "zod";
import { type ValidationIssue, type Validated, failed, formatPath, ok, parseWith } from "./issues.js";
import { ItemName } from "./names.js";
import { checkDetection } from "./sigma-detection.js";

export const SIGMA_LEVELS = ["informational", "low", "medium", "high", "critical"] as const;
export const SIGMA_STATUSES = ["stable", "test", "experimental", "deprecated", "unsupported"] as const;

const Text = z.string().max(65_536);
const TextList = z.array(Text).max(1000);

/**
 * A Sigma (v2) detection rule. The named members are the ones Canopy reads; any other member of
 * the rule (related, fields, scope, custom attributes…) is kept as it was. `raw` is the rule's
 * original YAML, which is what agents write out.
 */
export const SigmaRule = z.looseObject({
  title: ItemName,
  id: z.string().max(128).optional(),
  status: z.enum(SIGMA_STATUSES).optional(),
  description: Text.optional(),
  author: Text.optional(),
  level: z.enum(SIGMA_LEVELS).optional(),
  tags: TextList.optional(),
  logsource: z.record(z.string(), z.unknown()),
  detection: z.record(z.string(), z.unknown()),
  falsepositives: z.union([TextList, Text]).optional(),
  references: TextList.optional(),
  date: z.string().max(64).optional(),
  modified: z.string().max(64).optional(),
  raw: z.string().max(1_048_576),
});
export type SigmaRule = z.infer<typeof SigmaRule>;

/** Why a rule is refused, as a stable code (for grouping) and a message that names the place. */
export type SigmaProblem = ValidationIssue & { code: SigmaProblemCode };
export type SigmaProblemCode =
  | "invalid"
  | "legacy-collection"
  | "unsupported-rule-type"
  | "no-detection"
  | "no-condition"
  | "condition-type"
  | "legacy-aggregation"
  | "condition-too-complex"
  | "detection-too-large"
  | "unknown-identifier"
  | "bad-search"
  | "no-logsource";

export function validateSigmaRule(body: unknown): Validated<SigmaRule> {
  const checked = checkSigmaRule(body);
  return checked.ok ? ok(checked.rule, checked.rule.title) : failed(checked.problems.map(({ path, message }) => ({ path, message })));
}

/** validateSigmaRule with a problem code per issue: the importer groups refusals by it. */
export function checkSigmaRule(body: unknown): { ok: true; rule: SigmaRule } | { ok: false; problems: SigmaProblem[] } {
  const structural = checkRuleType(body);
  if (structural.length > 0) return { ok: false, problems: structural };
  const parsed = parseWith(SigmaRule, body);
  if (!parsed.ok) {
    return { ok: false, problems: parsed.issues.map((found) => ({ ...found, code: codeForPath(found.path) })) };
  }
  const rule = parsed.value;
  const problems = [...checkLogsource(rule.logsource), ...checkDetection(rule.detection)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rule };
}

/** Documents that are not v2 detection rules at all get one precise reason instead of schema noise. */
function checkRuleType(body: unknown): SigmaProblem[] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return [{ path: "", code: "invalid", message: "a Sigma rule must be a YAML mapping" }];
  }
  const rule = body as Record<string, unknown>;
  if (typeof rule.action === "string") {
    return [
      {
        path: "action",
        code: "legacy-collection",
        message: `Sigma v1 rule collection (action: ${rule.action}) is not supported: Sigma v2 has one complete rule per document`,
      },
    ];
  }
  for (const kind of ["correlation", "filter"] as const) {
    if (rule[kind] !== undefined && rule.detection === undefined) {
      return [{ path: kind, code: "unsupported-rule-type", message: `Sigma ${kind} rules are not supported, only detection rules` }];
    }
  }
  if (rule.detection === undefined || rule.detection === null) {
    return [{ path: "detection", code: "no-detection", message: "the rule has no detection section (legacy or incomplete rule)" }];
  }
  return [];
}

function checkLogsource(logsource: Record<string, unknown>): SigmaProblem[] {
  const named = ["category", "product", "service"].filter((key) => logsource[key] !== undefined);
  if (named.length === 0) {
    return [{ path: "logsource", code: "no-logsource", message: "logsource needs a category, product or service" }];
  }
  return Object.entries(logsource).flatMap(([key, value]) =>
    typeof value === "string" ? [] : [{ path: formatPath(["logsource", key]), code: "invalid" as const, message: "must be a string" }],
  );
}

function codeForPath(path: string): SigmaProblemCode {
  if (path === "detection") return "no-detection";
  if (path === "logsource") return "no-logsource";
  return "invalid";
}
