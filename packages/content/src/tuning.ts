import { z } from "zod";
import { type Validated, failed, issue, ok, parseWith } from "./issues.js";
import { ItemName } from "./names.js";

/** A rule tuning expression: an exclusion or adjustment applied to the named SIEM rules. */
export const TuningExpression = z.strictObject({
  name: ItemName,
  expression: z.string().trim().min(1, "must not be empty").max(65_536),
  description: z.string().max(4096).optional(),
  /** Titles of the SIEM rules it applies to (pushed along with "include associated rules"). */
  rules: z.array(ItemName).max(10_000),
});
export type TuningExpression = z.infer<typeof TuningExpression>;

export function validateTuningExpression(body: unknown): Validated<TuningExpression> {
  const parsed = parseWith(TuningExpression, body);
  if (!parsed.ok) return failed(parsed.issues);
  const tuning = parsed.value;
  const seen = new Set<string>();
  const issues = tuning.rules.flatMap((rule, index) => {
    const duplicate = seen.has(rule);
    seen.add(rule);
    return duplicate ? [issue(["rules", index], `rule ${JSON.stringify(rule)} is listed twice`)] : [];
  });
  return issues.length > 0 ? failed(issues) : ok(tuning, tuning.name);
}

/** The SIEM rule names (titles) an expression applies to, in order, without repeats. */
export function associatedRules(tuning: TuningExpression): string[] {
  return [...new Set(tuning.rules)];
}
