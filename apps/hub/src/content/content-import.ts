import type { ContentImportFile, ContentImportRefusal } from "@canopy/api";
import { type ContentKind, type ValidationIssue, importCacao, importSigma } from "@canopy/content";
import { ProblemError } from "../core/problem-error.js";
import type { Catalogue, SaveOutcome } from "./catalogue.js";
import type { ContentRepository } from "./content-repository.js";
import type { ContentItemRecord } from "./content-records.js";
import { TimeSlicer } from "./time-slice.js";

/** What `POST /content/import` was given, once the body is read. */
export type ImportInput =
  | { type: "yaml"; text: string }
  | { type: "cacao"; document: unknown }
  | { type: "files"; files: ContentImportFile[] };

export interface ImportOutcome {
  created: ContentItemRecord[];
  updated: ContentItemRecord[];
  unchanged: ContentItemRecord[];
  refused: ContentImportRefusal[];
}

export interface ImportOptions {
  /** Documents per slice of reads and writes (tests make it small to cross slices). */
  sliceSize?: number;
}

interface Candidate {
  kind: ContentKind;
  name: string;
  body: unknown;
  source: string | null;
}

/** A file is CACAO when it says so by name or starts like a JSON object; else Sigma YAML. */
function looksLikeJson(file: ContentImportFile): boolean {
  return /\.json$/i.test(file.name) || /^\uFEFF?\s*\{/.test(file.text);
}

function refusal(source: string | null, title: string | null, reason: string, code: string, errors?: ValidationIssue[]): ContentImportRefusal {
  return { source, title, reason, code, ...(errors === undefined ? {} : { errors }) };
}

function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((found) => (found.path === "" ? found.message : `${found.path}: ${found.message}`)).join("; ");
}

function nameOf(document: unknown): string | null {
  const name = (document as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : null;
}

function readCacao(document: unknown, source: string | null, into: Candidate[], refused: ContentImportRefusal[]): void {
  const checked = importCacao(document);
  if (checked.ok) into.push({ kind: "playbook", name: checked.name, body: checked.value, source });
  else refused.push(refusal(source, nameOf(document), describeIssues(checked.issues), "invalid", checked.issues));
}

function readCacaoText(text: string, source: string, into: Candidate[], refused: ContentImportRefusal[]): void {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    refused.push(refusal(source, null, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, "json-error"));
    return;
  }
  readCacao(document, source, into, refused);
}

function readSigma(text: string, source: string | null, into: Candidate[], refused: ContentImportRefusal[]): void {
  const result = importSigma(text, source ?? undefined);
  for (const rule of result.accepted) into.push({ kind: "siem-rule", name: rule.title, body: rule, source });
  for (const refusedRule of result.refused) {
    refused.push(refusal(refusedRule.source ?? null, refusedRule.title ?? null, refusedRule.reason, refusedRule.code));
  }
}

/** Every document of the input, accepted (still to be saved) or refused with its reason. */
async function candidatesOf(input: ImportInput, slicer: TimeSlicer): Promise<{ candidates: Candidate[]; refused: ContentImportRefusal[] }> {
  const candidates: Candidate[] = [];
  const refused: ContentImportRefusal[] = [];
  if (input.type === "yaml") readSigma(input.text, null, candidates, refused);
  else if (input.type === "cacao") readCacao(input.document, null, candidates, refused);
  else {
    for (const file of input.files) {
      if (looksLikeJson(file)) readCacaoText(file.text, file.name, candidates, refused);
      else readSigma(file.text, file.name, candidates, refused);
      await slicer.pause();
    }
  }
  return { candidates, refused };
}

/**
 * Imports Sigma rules and CACAO playbooks. A document whose name already exists (ignoring case)
 * replaces that item (a new revision, or nothing when its hash is the same); two documents of one
 * import with the same name: the first wins, the second is refused. `repository` is the caller's
 * unit of work: the whole import is durable together, or not at all. Names are checked through a
 * map, never pairwise. The catalogue saves them a slice at a time (`Catalogue.saveMany`).
 * The work gives the event loop a turn every few milliseconds (see TimeSlicer).
 */
export async function importContent(catalogue: Catalogue, repository: ContentRepository, input: ImportInput, actor: string, options: ImportOptions = {}): Promise<ImportOutcome> {
  const slicer = new TimeSlicer();
  const { candidates, refused } = await candidatesOf(input, slicer);
  const outcome: ImportOutcome = { created: [], updated: [], unchanged: [], refused };
  // Refusals found from here on, by the document's place in the import (they are told in that order).
  const late: { index: number; refusal: ContentImportRefusal }[] = [];
  const seen = new Map<string, string | null>();
  const unique: { index: number; candidate: Candidate }[] = [];
  candidates.forEach((candidate, index) => {
    const key = `${candidate.kind}:${candidate.name.toLowerCase()}`;
    if (!seen.has(key)) {
      seen.set(key, candidate.source);
      unique.push({ index, candidate });
      return;
    }
    const first = seen.get(key);
    const reason = `another document of this import${first ? ` (${first})` : ""} has the same name; the first one was imported`;
    late.push({ index, refusal: refusal(candidate.source, candidate.name, reason, "duplicate") });
  });
  const results = await catalogue.saveMany(
    repository,
    unique.map(({ candidate }) => candidate),
    actor,
    { pause: () => slicer.pause(), ...(options.sliceSize === undefined ? {} : { sliceSize: options.sliceSize }) },
  );
  const lists: Record<SaveOutcome, ContentItemRecord[]> = { created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged };
  unique.forEach(({ index, candidate }, at) => {
    const result = results[at]!;
    if (!(result instanceof ProblemError)) {
      lists[result.outcome].push(result.item);
      return;
    }
    const errors = (result.extra.errors as ValidationIssue[] | undefined) ?? undefined;
    late.push({ index, refusal: refusal(candidate.source, candidate.name, result.message, result.status === 422 ? "invalid" : result.code, errors) });
  });
  refused.push(...late.sort((a, b) => a.index - b.index).map((entry) => entry.refusal));
  return outcome;
}
