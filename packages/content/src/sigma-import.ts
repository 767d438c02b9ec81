import { Composer, type Document, LineCounter } from "yaml";
import { type SigmaProblemCode, type SigmaRule, checkSigmaRule } from "./sigma-rule.js";
import { MAX_YAML_DEPTH, parseYamlTokens } from "./yaml-depth.js";

export type SigmaRefusal = {
  source?: string;
  title?: string;
  /** What is wrong and where, e.g. `detection.condition: the detection has no condition …`. */
  reason: string;
  /** The kind of refusal (for grouping): the first problem's code, or `yaml-error`. */
  code: SigmaProblemCode | "yaml-error";
};

export type SigmaImport = { accepted: SigmaRule[]; refused: SigmaRefusal[] };

// Bounds what one import can make the parser do (alias expansion is capped by `yaml` itself).
const MAX_DOCUMENTS = 10_000;

/**
 * Parses one Sigma rule or a multi-document YAML stream (`---` separated) into rules. Every
 * document ends up either accepted or refused with its reason; nothing throws on bad input.
 * `source` (a file name) is echoed in refusals; with several documents it gets `#<n>`.
 */
export function importSigma(yamlText: string, source?: string): SigmaImport {
  const result: SigmaImport = { accepted: [], refused: [] };
  const at = source === undefined ? {} : { source };
  const lines = new LineCounter();
  let documents: Document.Parsed[];
  try {
    // parseAllDocuments in two steps, with the nesting bounded in between (see parseYamlTokens).
    const parsed = parseYamlTokens(yamlText, lines);
    if ("tooDeepAt" in parsed) {
      const reason = `YAML error at line ${lines.linePos(parsed.tooDeepAt).line}: nested deeper than ${MAX_YAML_DEPTH} levels`;
      result.refused.push({ ...at, reason, code: "yaml-error" });
      return result;
    }
    documents = Array.from(new Composer({ logLevel: "error" }).compose(parsed.tokens));
  } catch (error) {
    result.refused.push({ ...at, reason: `YAML error: ${errorMessage(error)}`, code: "yaml-error" });
    return result;
  }
  const nonEmpty = documents.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  if (nonEmpty.length > MAX_DOCUMENTS) {
    result.refused.push({ ...at, reason: `too many documents (${nonEmpty.length}; at most ${MAX_DOCUMENTS} per import)`, code: "invalid" });
    return result;
  }
  let previousEnd = 0;
  const raws = new Map<Document.Parsed, string>();
  for (const doc of documents) {
    raws.set(doc, nonEmpty.length === 1 ? yamlText : documentText(yamlText, previousEnd, doc.range[2]));
    previousEnd = doc.range[2];
  }
  nonEmpty.forEach((doc, index) => {
    const where = nonEmpty.length > 1 ? `${source ?? "document"}#${index + 1}` : source;
    importDocument(doc, raws.get(doc) ?? "", where, lines, result);
  });
  return result;
}

function importDocument(doc: Document.Parsed, raw: string, source: string | undefined, lines: LineCounter, result: SigmaImport): void {
  const at = source === undefined ? {} : { source };
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const firstLine = first.message.split("\n")[0] ?? first.message;
    result.refused.push({ ...at, reason: `YAML error at line ${lines.linePos(first.pos[0]).line}: ${firstLine}`, code: "yaml-error" });
    return;
  }
  let value: unknown;
  try {
    value = toPlain(doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    result.refused.push({ ...at, reason: `YAML error: ${errorMessage(error)}`, code: "yaml-error" });
    return;
  }
  const body = value !== null && typeof value === "object" && !Array.isArray(value) ? { ...value, raw } : value;
  const checked = checkSigmaRule(body);
  if (checked.ok) {
    result.accepted.push(checked.rule);
    return;
  }
  const title = typeof (value as { title?: unknown } | null)?.title === "string" ? (value as { title: string }).title : undefined;
  result.refused.push({
    ...at,
    ...(title === undefined ? {} : { title }),
    reason: checked.problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("; "),
    code: checked.problems[0]!.code,
  });
}

/** The text of one document of a stream, without its `---` / `...` markers. */
function documentText(text: string, start: number, end: number): string {
  return text
    .slice(start, end)
    .replace(/^---[ \t]*(\r?\n|$)/, "")
    .replace(/(^|\n)\.\.\.[ \t]*(\r?\n)?$/, "$1");
}

/** YAML 1.1 streams can yield Dates; rules are JSON documents, so dates become ISO strings. */
function toPlain(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, toPlain(member)]));
  }
  return value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
