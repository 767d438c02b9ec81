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

const KNOWN_TEXTS = 200_000;

function words(text: string, into: Set<string>): void {
  for (const word of text.toLowerCase().split(SEPARATOR)) if (word !== "") into.add(word.slice(0, MAX_TOKEN));
}

/** The words of `text`, split once per distinct text when `known` remembers them (a bulk load: titles, rules and hosts repeat). */
function wordsOnce(text: string, into: Set<string>, known: Map<string, readonly string[]> | undefined): void {
  if (known === undefined) return words(text, into);
  let found = known.get(text);
  if (found === undefined) {
    const own = new Set<string>();
    words(text, own);
    found = [...own];
    // Bounded: texts unique to each insight would otherwise make it a second copy of them all.
    if (known.size < KNOWN_TEXTS) known.set(text, found);
  }
  for (const word of found) into.add(word);
}

/**
 * Distinct lower-case words of the searchable fields: `web-01.corp` gives `web`, `01`, `corp`.
 * `known`: words of texts already split (the id is unique to each insight and never kept there).
 */
export function tokensOf(insight: Searchable, known?: Map<string, readonly string[]>): Set<string> {
  const tokens = new Set<string>();
  words(insight.localId, tokens);
  wordsOnce(insight.title, tokens, known);
  if (insight.ruleId) wordsOnce(insight.ruleId, tokens, known);
  if (insight.ruleName) wordsOnce(insight.ruleName, tokens, known);
  for (const list of [insight.hosts, insight.users, insight.techniques]) for (const value of list) wordsOnce(value, tokens, known);
  return tokens;
}

/** The words of a search text, split like the indexed fields. */
export function queryWords(q: string): string[] {
  const found = new Set<string>();
  words(q, found);
  return Array.from(found).slice(0, MAX_QUERY_WORDS);
}
