import { canonicalJson } from "./canonical.js";
import { formatPath } from "./issues.js";

export type ContentChange = {
  /** Where, in the same notation as validation issues (`workflow.action--….commands[0].command`). */
  path: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
};

export type ContentDiff = { equal: boolean; changes: ContentChange[]; truncated: boolean };

const DEFAULT_MAX_CHANGES = 100;

/**
 * What changed from `a` to `b`, member by member (key order is ignored, array items compare by
 * position), for dry-run and rollback previews. At most `maxChanges` entries; `truncated` says
 * when there were more.
 */
export function diffContent(a: unknown, b: unknown, maxChanges = DEFAULT_MAX_CHANGES): ContentDiff {
  const changes: ContentChange[] = [];
  let truncated = false;
  const push = (change: ContentChange) => {
    if (changes.length < maxChanges) changes.push(change);
    else truncated = true;
  };

  const walk = (before: unknown, after: unknown, path: (string | number)[]) => {
    if (canonicalJson(before) === canonicalJson(after)) return;
    if (isRecord(before) && isRecord(after)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      for (const key of keys) {
        const hasBefore = before[key] !== undefined;
        const hasAfter = after[key] !== undefined;
        if (hasBefore && !hasAfter) push({ path: formatPath([...path, key]), change: "removed", before: before[key] });
        else if (!hasBefore && hasAfter) push({ path: formatPath([...path, key]), change: "added", after: after[key] });
        else if (hasBefore && hasAfter) walk(before[key], after[key], [...path, key]);
      }
      return;
    }
    if (Array.isArray(before) && Array.isArray(after)) {
      for (let i = 0; i < Math.max(before.length, after.length); i++) {
        if (i >= after.length) push({ path: formatPath([...path, i]), change: "removed", before: before[i] });
        else if (i >= before.length) push({ path: formatPath([...path, i]), change: "added", after: after[i] });
        else walk(before[i], after[i], [...path, i]);
      }
      return;
    }
    push({ path: formatPath(path), change: "changed", before, after });
  };

  walk(a, b, []);
  return { equal: changes.length === 0, changes, truncated };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
