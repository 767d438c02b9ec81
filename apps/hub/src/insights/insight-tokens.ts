/** The insight fields `q` searches. */
export interface Searchable {
  readonly localId: string;
  readonly title: string;
  readonly ruleId: string | null;
  readonly ruleName: string | null;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly techniques: readonly string[];
}

const SEPARATOR = /[^\p{L}\p{N}]+/u;
const MAX_TOKEN = 64;
/** Words of one `q`; more are ignored (each one only narrows the result further). */
const MAX_QUERY_WORDS = 16;

function words(text: string, into: Set<string>): void {
  for (const word of text.toLowerCase().split(SEPARATOR)) if (word !== "") into.add(word.slice(0, MAX_TOKEN));
}

/** Distinct lower-case words of the searchable fields: `web-01.corp` gives `web`, `01`, `corp`. */
export function tokensOf(insight: Searchable): Set<string> {
  const tokens = new Set<string>();
  words(insight.localId, tokens);
  words(insight.title, tokens);
  if (insight.ruleId) words(insight.ruleId, tokens);
  if (insight.ruleName) words(insight.ruleName, tokens);
  for (const list of [insight.hosts, insight.users, insight.techniques]) for (const value of list) words(value, tokens);
  return tokens;
}

/** The words of a search text, split like the indexed fields. */
export function queryWords(q: string): string[] {
  const found = new Set<string>();
  words(q, found);
  return Array.from(found).slice(0, MAX_QUERY_WORDS);
}
