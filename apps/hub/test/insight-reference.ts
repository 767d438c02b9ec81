import type { InsightEntry } from "../src/insights/insight-entry.js";
import type { IndexQuery } from "../src/insights/insight-query.js";
import { queryWords, tokensOf } from "../src/insights/insight-tokens.js";
import { SORT_ORDERS } from "../src/insights/sort-orders.js";

/**
 * The matches of a query by brute force, in its order: what the index and both insight
 * repositories are held to (techniques match their sub-techniques; assignees and techniques
 * ignore case, as the list does).
 */
export function reference(all: InsightEntry[], query: Omit<IndexQuery, "limit">): InsightEntry[] {
  const words = queryWords(query.q ?? "");
  const matches = all.filter((e) => {
    if (query.tenantIds && !query.tenantIds.includes(e.tenantId)) return false;
    if (query.statuses && !query.statuses.includes(e.status)) return false;
    if (query.severities && !query.severities.includes(e.severity)) return false;
    if (query.tactics && !e.tactics.some((t) => query.tactics!.includes(t))) return false;
    const techniques = query.techniques?.map((q) => q.toUpperCase());
    if (techniques && !e.techniques.some((t) => techniques.some((q) => t === q || t.startsWith(`${q}.`)))) return false;
    if (query.ruleIds && (e.ruleId === null || !query.ruleIds.includes(e.ruleId))) return false;
    const assignees = query.assignees?.map((a) => a.toLowerCase());
    if (assignees && (e.assignee === null || !assignees.includes(e.assignee.toLowerCase()))) return false;
    const tokens = [...tokensOf(e)];
    if (!words.every((w) => tokens.some((t) => t.startsWith(w)))) return false;
    if (query.time) {
      const v = e[query.time.field];
      if (v === null || (query.time.from !== null && v < query.time.from) || (query.time.to !== null && v >= query.time.to)) return false;
    }
    return true;
  });
  const order = SORT_ORDERS[query.sort];
  return matches.sort(query.order === "asc" ? order.compare : (a, b) => order.compare(b, a));
}
