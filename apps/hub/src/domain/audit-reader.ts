import { ROOT_ORG_ID } from "@canopy/api";
import { RECORDS_TABLE, type PostgresDatabase } from "@canopy/store";
import type { AuditRecord } from "./records.js";

export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  /**
   * Entries about these organizations; the root's id stands for the root's own entries (those
   * with no organization). A child's scope never holds it. Absent: all.
   */
  orgIds?: ReadonlySet<string> | undefined;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

/** Where the audit is read from: newest first, `cursor` the id of the last entry of the page before. */
export interface AuditReader {
  list(query: AuditQuery): Promise<AuditPage>;
}

/** The `audit.*` partitions' name pattern, as LIKE sees it (`_` is literal here). */
const AUDIT_COLLECTIONS = "audit.%";

/**
 * The audit on PostgreSQL: entries are written with the change they record (same transaction,
 * write-only collections of the store) and read here with a keyset query on the audit indexes
 * (migration `audit-indexes`), so the hub never loads the history to answer a page.
 */
export function postgresAuditReader(database: PostgresDatabase): AuditReader {
  return {
    async list(query) {
      const where = [`collection LIKE '${AUDIT_COLLECTIONS}'`];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (query.cursor !== undefined) where.push(`id < ${param(query.cursor)}`);
      if (query.action !== undefined) where.push(`doc->>'action' = ${param(query.action)}`);
      if (query.target !== undefined) where.push(`doc->>'target' = ${param(query.target)}`);
      if (query.orgIds !== undefined) {
        const own = query.orgIds.has(ROOT_ORG_ID) ? ` OR doc->>'orgId' IS NULL` : "";
        where.push(`(doc->>'orgId' = ANY(${param([...query.orgIds])}::text[])${own})`);
      }
      const { rows } = await database.pool.query<{ doc: AuditRecord }>(
        `SELECT doc FROM ${RECORDS_TABLE} WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ${param(query.limit + 1)}`,
        values,
      );
      const items = rows.slice(0, query.limit).map((row) => row.doc);
      return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
    },
  };
}

/** Indexes for the audit's keyset pages and filters (partial: only audit rows). */
export const auditIndexesSql = `
  CREATE INDEX canopy_records_audit_id ON ${RECORDS_TABLE} (id) WHERE collection LIKE '${AUDIT_COLLECTIONS}';
  CREATE INDEX canopy_records_audit_action ON ${RECORDS_TABLE} ((doc->>'action'), id) WHERE collection LIKE '${AUDIT_COLLECTIONS}';
  CREATE INDEX canopy_records_audit_target ON ${RECORDS_TABLE} ((doc->>'target'), id) WHERE collection LIKE '${AUDIT_COLLECTIONS}';
`;
