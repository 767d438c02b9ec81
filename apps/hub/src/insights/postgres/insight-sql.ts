import type { IndexQuery } from "../insight-query.js";
import type { InsightTimeField } from "../insight-source.js";
import { queryWords } from "../insight-tokens.js";
import { normalizeAssignee, normalizeTactic, normalizeTechnique } from "../query-dimensions.js";
import { decodeCursor, type SortField } from "../sort-orders.js";

/** A WHERE clause and its parameters, built up filter by filter. */
export class SqlFilter {
  readonly params: unknown[] = [];
  readonly #conditions: string[] = [];

  /** `$n` for a new parameter. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  and(condition: string): void {
    this.#conditions.push(condition);
  }

  get where(): string {
    return this.#conditions.length === 0 ? "" : `WHERE ${this.#conditions.join(" AND ")}`;
  }
}

export const TIME_COLUMN: Record<InsightTimeField, string> = { createdAt: "created_at", updatedAt: "updated_at", closedAt: "closed_at" };

/** The columns of each sort, in order; all end in `key`, so every position is unique. */
const SORT_COLUMNS: Record<SortField, string[]> = {
  createdAt: ["created_at", "key"],
  updatedAt: ["updated_at", "key"],
  severity: ["severity_rank", "created_at", "key"],
};

/** `'web':* & 'dc':*`: every word must start a word of the insight. Words are letters and digits only (insight-tokens.ts), so nothing needs quoting. */
export function prefixQuery(q: string): string | undefined {
  const words = queryWords(q);
  return words.length === 0 ? undefined : words.map((word) => `'${word}':*`).join(" & ");
}

/** The list's filters as conditions, with the embedded index's meaning for each. */
export function filterOf(query: Omit<IndexQuery, "sort" | "order" | "limit" | "cursor">): SqlFilter {
  const sql = new SqlFilter();
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (values) sql.and(`${column} = ANY(${sql.param([...values])}::text[])`);
  };
  anyOf("tenant_id", query.tenantIds);
  anyOf("status", query.statuses);
  anyOf("severity", query.severities);
  anyOf("rule_id", query.ruleIds);
  anyOf("assignee_key", query.assignees?.map(normalizeAssignee));
  if (query.tactics) sql.and(`tactic_keys && ${sql.param(query.tactics.map(normalizeTactic))}::text[]`);
  if (query.techniques) {
    // `T1003` also finds `T1003.001`: a value matches, or its parent does.
    const wanted = sql.param(query.techniques.map(normalizeTechnique));
    sql.and(`(technique_keys && ${wanted}::text[] OR technique_parents && ${wanted}::text[])`);
  }
  const words = prefixQuery(query.q ?? "");
  if (words !== undefined) sql.and(`words @@ ${sql.param(words)}::tsquery`);
  const time = query.time;
  if (time && (time.from !== null || time.to !== null)) {
    const column = TIME_COLUMN[time.field];
    if (time.from !== null) sql.and(`${column} >= ${sql.param(time.from)}`);
    if (time.to !== null) sql.and(`${column} < ${sql.param(time.to)}`);
  }
  return sql;
}

/**
 * The total's query, exact whichever way it is answered. Filtered only by tenant, status and
 * severity (or not at all), it sums the counters `insight_counts` keeps; by tactic, technique,
 * rule or assignee (with status and severity, but no tenant, time or `q`), the shapes
 * `insight_filter_counts` keeps, through the same conditions; otherwise it counts the matches.
 */
export function totalSql(query: IndexQuery): { text: string; values: unknown[] } {
  const other = query.tactics ?? query.techniques ?? query.ruleIds ?? query.assignees;
  const timed = query.time && (query.time.from !== null || query.time.to !== null);
  const searched = prefixQuery(query.q ?? "") !== undefined;
  if (other === undefined && !timed && !searched) {
    const sql = filterOf({ tenantIds: query.tenantIds, statuses: query.statuses, severities: query.severities });
    return { text: `SELECT coalesce(sum(n), 0) AS total FROM insight_counts ${sql.where}`, values: sql.params };
  }
  if (!timed && !searched && query.tenantIds === undefined) {
    const { statuses, severities, tactics, techniques, ruleIds, assignees } = query;
    const sql = filterOf({ statuses, severities, tactics, techniques, ruleIds, assignees });
    return { text: `SELECT coalesce(sum(n), 0) AS total FROM insight_filter_counts ${sql.where}`, values: sql.params };
  }
  const sql = filterOf(query);
  return { text: `SELECT count(*) AS total FROM insights ${sql.where}`, values: sql.params };
}

/**
 * The page query: the filters, the keyset condition after the cursor (a row comparison on the
 * sort's columns, which its btree answers as a range), the order, one row more than the page to
 * learn whether another follows.
 */
export function pageSql(query: IndexQuery, columns: string): { text: string; values: unknown[] } {
  const sql = filterOf(query);
  const sortColumns = SORT_COLUMNS[query.sort];
  const direction = query.order === "asc" ? "ASC" : "DESC";
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor, query.sort, query.order);
    const values = [...position.values.map((v) => sql.param(v)), sql.param(position.key)];
    sql.and(`(${sortColumns.join(", ")}) ${query.order === "asc" ? ">" : "<"} (${values.join(", ")})`);
  }
  const limit = sql.param(query.limit + 1);
  return {
    text: `SELECT ${columns} FROM insights ${sql.where} ORDER BY ${sortColumns.map((c) => `${c} ${direction}`).join(", ")} LIMIT ${limit}`,
    values: sql.params,
  };
}
