import { formatPath } from "./issues.js";
import type { SigmaProblem } from "./sigma-rule.js";

// Members of `detection` that are not search identifiers. `timeframe` belongs to v1 aggregations
// but is harmless on its own, so it is tolerated.
const NOT_SEARCHES = new Set(["condition", "timeframe"]);
const CONDITION_WORDS = new Set(["and", "or", "not", "of", "them", "all", "any"]);

/** A usable v2 detection: search identifiers plus a condition that only names them. */
export function checkDetection(detection: Record<string, unknown>): SigmaProblem[] {
  const condition = detection.condition;
  if (condition === undefined || condition === null) {
    return [{ path: "detection.condition", code: "no-condition", message: "the detection has no condition (legacy or incomplete rule)" }];
  }
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === "string" && c.trim() !== "")) {
    return [{ path: "detection.condition", code: "condition-type", message: "the condition must be a non-empty string or a list of strings" }];
  }
  const searches = Object.keys(detection).filter((key) => !NOT_SEARCHES.has(key));
  const problems: SigmaProblem[] = [];
  for (const name of searches) {
    const search = detection[name];
    const usable = Array.isArray(search) ? search.length > 0 : search !== null && typeof search === "object";
    if (!usable) {
      problems.push({ path: formatPath(["detection", name]), code: "bad-search", message: "a search identifier must be a non-empty map or list" });
    }
  }
  (conditions as string[]).forEach((text, index) => {
    const path = formatPath(Array.isArray(condition) ? ["detection", "condition", index] : ["detection", "condition"]);
    problems.push(...checkCondition(text, searches, path));
  });
  return problems;
}

function checkCondition(text: string, searches: string[], path: string): SigmaProblem[] {
  if (text.includes("|")) {
    return [
      {
        path,
        code: "legacy-aggregation",
        message: `the condition uses a Sigma v1 aggregation ("${text.slice(text.indexOf("|")).trim()}"), which Sigma v2 dropped (use a correlation rule)`,
      },
    ];
  }
  const problems: SigmaProblem[] = [];
  for (const token of text.split(/[\s()]+/).filter(Boolean)) {
    if (CONDITION_WORDS.has(token.toLowerCase()) || /^\d+$/.test(token)) continue;
    if (!/^[\w*.-]+$/.test(token)) {
      problems.push({ path, code: "invalid", message: `the condition contains ${JSON.stringify(token)}, which is not a search identifier` });
    } else if (!searches.some((name) => matchesIdentifier(token, name))) {
      problems.push({ path, code: "unknown-identifier", message: `the condition names ${JSON.stringify(token)}, which is not a search identifier of the detection` });
    }
  }
  return problems;
}

function matchesIdentifier(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  const regex = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return regex.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
