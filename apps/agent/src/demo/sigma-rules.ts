import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { InsightSeverity } from "@canopy/protocol";
import { parse } from "yaml";
import { AgentCliError } from "../core/errors.js";

/** What the demo generator needs from a detection rule (a Sigma rule, or a built-in one). */
export interface Detection {
  id: string | null;
  title: string;
  description: string;
  level: string;
  tags: string[];
  product: string | null;
  category: string | null;
  service: string | null;
  /** Values the rule looks for, by field (lower case, modifiers dropped): `image` → [`\procdump.exe`]. */
  hints: Record<string, string[]>;
}

const LEVELS: Record<string, InsightSeverity> = { informational: "low", low: "low", medium: "medium", high: "high", critical: "critical" };

/** Sigma `level` → insight severity (informational counts as low). */
export function severityFromLevel(level: string): InsightSeverity {
  return LEVELS[level.trim().toLowerCase()] ?? "medium";
}

/** ATT&CK tactics by the short names Sigma tags use (including the 2025 split of defense evasion). */
const TACTICS = new Set([
  "reconnaissance",
  "resource-development",
  "initial-access",
  "execution",
  "persistence",
  "privilege-escalation",
  "defense-evasion",
  "stealth",
  "defense-impairment",
  "credential-access",
  "discovery",
  "lateral-movement",
  "collection",
  "command-and-control",
  "exfiltration",
  "impact",
]);

/** `attack.t1003.001` → technique `T1003.001`; `attack.credential-access` (or `_access`) → tactic. Groups, software, CVEs are skipped. */
export function attackFromTags(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const tag of tags) {
    const lower = tag.trim().toLowerCase();
    if (!lower.startsWith("attack.")) continue;
    const rest = lower.slice("attack.".length);
    if (/^t\d{4}(\.\d{3})?$/.test(rest)) {
      const technique = rest.toUpperCase();
      if (!techniques.includes(technique)) techniques.push(technique);
      continue;
    }
    const tactic = rest.replace(/_/g, "-");
    if (TACTICS.has(tactic) && !tactics.includes(tactic)) tactics.push(tactic);
  }
  return { tactics, techniques };
}

/** Every rule file under `dir` (recursively), sorted so a seed picks the same rules everywhere. */
export async function listRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === "string" || typeof v === "number" ? [String(v)] : []));

/** Values from the rule's selections (not its filters, which say what is *not* suspicious). */
function detectionHints(detection: unknown): Record<string, string[]> {
  const hints: Record<string, string[]> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const entry of node) if (typeof entry === "object" && entry !== null) visit(entry);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const field = key.split("|")[0]!.toLowerCase();
      const found = strings(value);
      if (found.length > 0) {
        const list = (hints[field] ??= []);
        for (const one of found) if (list.length < 8) list.push(one);
      } else if (typeof value === "object") visit(value);
    }
  };
  if (typeof detection === "object" && detection !== null) {
    for (const [name, selection] of Object.entries(detection)) {
      if (name === "condition" || name === "timeframe" || name.startsWith("filter")) continue;
      visit(selection);
    }
  }
  return hints;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim().length > 0 ? value.trim() : null);

/** One Sigma rule's YAML → a Detection; null when it has no title or level (or is not YAML). */
export function parseSigmaRule(yamlText: string): Detection | null {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null) return null;
  const rule = doc as Record<string, unknown>;
  const title = text(rule.title);
  const level = text(rule.level);
  if (!title || !level || !(level.toLowerCase() in LEVELS)) return null;
  const logsource = (typeof rule.logsource === "object" && rule.logsource !== null ? rule.logsource : {}) as Record<string, unknown>;
  return {
    id: text(rule.id),
    title,
    description: text(rule.description) ?? "",
    level: level.toLowerCase(),
    tags: strings(rule.tags),
    product: text(logsource.product),
    category: text(logsource.category),
    service: text(logsource.service),
    hints: detectionHints(rule.detection),
  };
}

/** Parses `want` rules picked by `pick` from the files (only those: parsing 3,000 rules is not cheap). */
export async function sampleSigmaRules(files: readonly string[], want: number, pickIndex: (length: number) => number): Promise<Detection[]> {
  const rules: Detection[] = [];
  const tried = new Set<number>();
  const attempts = Math.min(files.length, want * 3);
  while (rules.length < want && tried.size < attempts) {
    const index = pickIndex(files.length);
    if (tried.has(index)) continue;
    tried.add(index);
    const rule = parseSigmaRule(await readFile(files[index]!, "utf8"));
    if (rule) rules.push(rule);
  }
  return rules;
}

/**
 * Where the Sigma rules are: `--sigma-dir` when given (it must exist), else `../shared/data/sigma`
 * beside the checkout when there is one; null means the built-in detections.
 */
export async function findSigmaDir(explicit: string | undefined): Promise<string | null> {
  if (explicit !== undefined) {
    const isDir = await stat(explicit).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new AgentCliError("invalid_argument", `--sigma-dir ${explicit} is not a folder`);
    return explicit;
  }
  try {
    const shared = await import("@canopy/shared-data");
    return shared.sharedData("sigma");
  } catch {
    return null;
  }
}
