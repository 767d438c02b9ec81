import { z } from "zod";
import { type ValidationIssue, type Validated, failed, issue, ok, parseWith } from "./issues.js";
import { scheduleProblem } from "./schedule.js";

export const LIBRARY_ITEM_TYPES = [
  "folder",
  "saved-search",
  "dashboard",
  "scheduled-search",
  "scheduled-report",
  "saved-report",
] as const;
export type LibraryItemType = (typeof LIBRARY_ITEM_TYPES)[number];

/** Pushed library items land under this folder on the tenant. */
export const ADMIN_RECOMMENDED_FOLDER = "Admin Recommended";

// Leaves room for the "Admin Recommended/" prefix within the protocol's 512-character names.
const MAX_PATH_LENGTH = 480;

export const LibraryPanel = z.looseObject({
  title: z.string().trim().min(1, "must not be empty").max(256),
  query: z.string().max(65_536).optional(),
  visualization: z.string().max(64).optional(),
});

export const LibraryItem = z.strictObject({
  type: z.enum(LIBRARY_ITEM_TYPES),
  /** Slash-separated location in the tree, e.g. "SOC/Windows/Failed logons"; unique, the item's name. */
  path: z.string().max(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`),
  description: z.string().max(4096).optional(),
  /** The search (saved / scheduled searches; optional for reports). */
  query: z.string().trim().min(1, "must not be empty").max(65_536).optional(),
  /** Where a scheduled search sends its results (an integration or destination name). */
  connection: z.string().trim().min(1, "must not be empty").max(256).optional(),
  /** Cron expression of a scheduled search or report, e.g. "0 6 * * 1". */
  schedule: z.string().trim().max(128).optional(),
  panels: z.array(LibraryPanel).max(200).optional(),
});
export type LibraryItem = z.infer<typeof LibraryItem>;

type Field = "query" | "connection" | "schedule" | "panels";
type Rule = "required" | "optional" | "forbidden";

/** Which optional members each type has: the shape of a library tree in SIEM products. */
const FIELDS_BY_TYPE: Record<LibraryItemType, Record<Field, Rule>> = {
  folder: { query: "forbidden", connection: "forbidden", schedule: "forbidden", panels: "forbidden" },
  "saved-search": { query: "required", connection: "forbidden", schedule: "forbidden", panels: "forbidden" },
  dashboard: { query: "forbidden", connection: "forbidden", schedule: "forbidden", panels: "optional" },
  "scheduled-search": { query: "required", connection: "required", schedule: "required", panels: "forbidden" },
  "scheduled-report": { query: "optional", connection: "forbidden", schedule: "required", panels: "forbidden" },
  "saved-report": { query: "optional", connection: "forbidden", schedule: "forbidden", panels: "forbidden" },
};

export function validateLibraryItem(body: unknown): Validated<LibraryItem> {
  const parsed = parseWith(LibraryItem, body);
  if (!parsed.ok) return failed(parsed.issues);
  const item = parsed.value;
  const issues = [...checkPath(item.path), ...checkFields(item)];
  const cronProblem = item.schedule === undefined ? undefined : scheduleProblem(item.schedule);
  if (cronProblem !== undefined) {
    issues.push(issue(["schedule"], `${JSON.stringify(item.schedule)} is not a cron expression: ${cronProblem} (write one like "0 6 * * 1" or "@daily")`));
  }
  return issues.length > 0 ? failed(issues) : ok(item, item.path);
}

function checkPath(path: string): ValidationIssue[] {
  if (path.trim() === "") return [issue(["path"], "must not be empty")];
  const segments = path.split("/");
  for (const segment of segments) {
    if (segment.trim() === "") return [issue(["path"], `${JSON.stringify(path)} has an empty folder name (leading, trailing or double "/")`)];
    if (segment !== segment.trim()) return [issue(["path"], `folder name ${JSON.stringify(segment)} has leading or trailing spaces`)];
    if (segment === "." || segment === "..") return [issue(["path"], `"${segment}" is not a folder name`)];
    // eslint-disable-next-line no-control-regex -- control characters would corrupt agent file names
    if (/[\u0000-\u001f\u007f\\]/.test(segment)) return [issue(["path"], `folder name ${JSON.stringify(segment)} contains a control character or a backslash`)];
  }
  return [];
}

function checkFields(item: LibraryItem): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [field, rule] of Object.entries(FIELDS_BY_TYPE[item.type]) as [Field, Rule][]) {
    const present = item[field] !== undefined;
    if (rule === "required" && !present) issues.push(issue([field], `a ${item.type} needs a ${field}`));
    if (rule === "forbidden" && present) issues.push(issue([field], `a ${item.type} has no ${field}`));
  }
  return issues;
}

/** Items below `folderPath` (not the folder itself), parents before their children. */
export function libraryDescendants(all: readonly LibraryItem[], folderPath: string): LibraryItem[] {
  const prefix = `${folderPath.replace(/\/+$/, "")}/`;
  return all.filter((item) => item.path.startsWith(prefix)).sort((a, b) => comparePaths(a.path, b.path));
}

/** Orders paths segment by segment, so a folder sorts before everything inside it. */
export function comparePaths(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}
