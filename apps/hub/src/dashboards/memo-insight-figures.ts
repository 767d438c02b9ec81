import { scopeKey, type InsightFigures } from "./insight-figures.js";

/**
 * Shares each distinct question's answer among the widgets of one computation: a dashboard's
 * widgets usually share range, lifecycle and tenants, and three widget types read one tally.
 */
export function memoFigures(figures: InsightFigures): InsightFigures {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) answers.set(key, (answer = ask()));
    return answer;
  };
  return {
    tally: (scope) => once(`tally ${scopeKey(scope)}`, () => figures.tally(scope)),
    rules: (scope) => once(`rules ${scopeKey(scope)}`, () => figures.rules(scope)),
    techniques: (scope) => once(`techniques ${scopeKey(scope)}`, () => figures.techniques(scope)),
    earliest: (scope) => once(`earliest ${scopeKey(scope)}`, () => figures.earliest(scope)),
    buckets: (scope, frame) => once(`buckets ${scopeKey(scope)} ${JSON.stringify(frame)}`, () => figures.buckets(scope, frame)),
  };
}
