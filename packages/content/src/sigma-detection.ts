import { formatPath } from "./issues.js";
import type { SigmaProblem } from "./sigma-rule.js";
import { matchesWildcard } from "./wildcard.js";

// Members of `detection` that are not search identifiers. `timeframe` belongs to v1 aggregations
// but is harmless on its own, so it is tolerated.
const NOT_SEARCHES = new Set(["condition", "timeframe"]);
const CONDITION_WORDS = new Set(["and", "or", "not", "of", "them", "all", "any"]);

/**
 * Bounds on what a rule can make the checker do: conditions are matched against every search
 * identifier, and rules come from community sets nobody has read. Real rules stay far below these
 * (the public Sigma repository: conditions up to 346 characters and 38 words, words up to 33
 * characters, one condition per rule, up to 34 identifiers of up to 51 characters).
 */
export const SIGMA_CONDITION_LIMITS = {
  conditionLength: 4096,
  conditionWords: 256,
  wordLength: 128,
  conditions: 32,
  searchIdentifiers: 512,
  identifierLength: 128,
} as const;
const LIMITS = SIGMA_CONDITION_LIMITS;

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
  if (conditions.length > LIMITS.conditions) {
    return [
      { path: "detection.condition", code: "condition-too-complex", message: `the detection has ${conditions.length} conditions; at most ${LIMITS.conditions} are allowed` },
    ];
  }
  const searches = Object.keys(detection).filter((key) => !NOT_SEARCHES.has(key));
  const tooLarge = checkSearchIdentifiers(searches);
  if (tooLarge.length > 0) return tooLarge;
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

function checkSearchIdentifiers(searches: string[]): SigmaProblem[] {
  if (searches.length > LIMITS.searchIdentifiers) {
    return [
      { path: "detection", code: "detection-too-large", message: `the detection has ${searches.length} search identifiers; at most ${LIMITS.searchIdentifiers} are allowed` },
    ];
  }
  const long = searches.find((name) => name.length > LIMITS.identifierLength);
  if (long === undefined) return [];
  return [
    {
      path: "detection",
      code: "detection-too-large",
      message: `the search identifier ${quoteStart(long)} is ${long.length} characters long; at most ${LIMITS.identifierLength} are allowed`,
    },
  ];
}

function checkCondition(text: string, searches: string[], path: string): SigmaProblem[] {
  if (text.length > LIMITS.conditionLength) {
    return [{ path, code: "condition-too-complex", message: `the condition is ${text.length} characters long; at most ${LIMITS.conditionLength} are allowed` }];
  }
  if (text.includes("|")) {
    return [
      {
        path,
        code: "legacy-aggregation",
        message: `the condition uses a Sigma v1 aggregation ("${text.slice(text.indexOf("|")).trim()}"), which Sigma v2 dropped (use a correlation rule)`,
      },
    ];
  }
  const words = text.split(/[\s()]+/).filter(Boolean);
  if (words.length > LIMITS.conditionWords) {
    return [{ path, code: "condition-too-complex", message: `the condition has ${words.length} words; at most ${LIMITS.conditionWords} are allowed` }];
  }
  const long = words.find((word) => word.length > LIMITS.wordLength);
  if (long !== undefined) {
    return [
      {
        path,
        code: "condition-too-complex",
        message: `the condition has a word of ${long.length} characters (${quoteStart(long)}); at most ${LIMITS.wordLength} are allowed`,
      },
    ];
  }
  const problems: SigmaProblem[] = [];
  for (const token of words) {
    if (CONDITION_WORDS.has(token.toLowerCase()) || /^\d+$/.test(token)) continue;
    if (!/^[\w*.-]+$/.test(token)) {
      problems.push({ path, code: "invalid", message: `the condition contains ${JSON.stringify(token)}, which is not a search identifier` });
    } else if (!searches.some((name) => matchesWildcard(token, name))) {
      problems.push({ path, code: "unknown-identifier", message: `the condition names ${JSON.stringify(token)}, which is not a search identifier of the detection` });
    }
  }
  return problems;
}

/** The start of a long text for a message: what it is is clear from 40 characters. */
function quoteStart(text: string): string {
  return text.length <= 40 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 40)).slice(0, -1)}…"`;
}
