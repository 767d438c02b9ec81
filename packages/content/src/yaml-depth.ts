import { type CST, Lexer, type LineCounter, Parser } from "yaml";

/**
 * How deep YAML collections may nest in an imported document. A Sigma rule nests about 5 levels
 * (rule → detection → selection → field → values); this leaves a wide margin and stays far from
 * what the parser can survive.
 */
export const MAX_YAML_DEPTH = 64;

const COLLECTIONS: ReadonlySet<string> = new Set(["block-map", "block-seq", "flow-collection"]);

/**
 * `yaml`'s tokens for `text` (what `parseAllDocuments` composes), or the offset of the first
 * collection nested deeper than `max`, found while parsing, so a deep input costs no more than
 * a shallow one. Composing and `toJS` recurse once per level: ten thousand levels (`[[[…]]]`,
 * `- - - …` or ever deeper indentation, a few KiB of text) exhaust the stack there, and V8 aborts
 * the whole process when it compiles a regular expression on an exhausted stack
 * ("RegExpCompiler Allocation failed"); no try/catch can stop that. The parser itself does not
 * recurse: its `stack` holds the open tokens, the document and every collection around the
 * current one, so counting the collections on it gives the depth.
 */
export function parseYamlTokens(text: string, lines: LineCounter, max = MAX_YAML_DEPTH): { tokens: CST.Token[] } | { tooDeepAt: number } {
  const parser = new Parser(lines.addNewLine);
  // What Parser.parse does, lexeme by lexeme, with the depth checked between them.
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // Counted only once the stack is long enough to hold that many collections: cheap for real rules.
    if (parser.stack.length > max && openCollections(parser.stack) > max) return { tooDeepAt: parser.stack.at(-1)!.offset };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

function openCollections(stack: readonly CST.Token[]): number {
  let n = 0;
  for (const token of stack) if (COLLECTIONS.has(token.type)) n++;
  return n;
}
