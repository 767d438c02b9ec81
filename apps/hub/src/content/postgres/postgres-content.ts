import type { ContentKind } from "@canopy/content";
import { problems } from "../../core/problem-error.js";
import { isUniqueViolation, type SqlClient } from "../../domain/postgres/sql-client.js";
import { contentNeedle, decodeCursor, pageOf } from "../content-list.js";
import { contentNameKey, contentNameTaken, type ContentListQuery, type ContentRepository } from "../content-repository.js";
import type { ContentItemRecord, ContentRevisionRecord } from "../content-records.js";
import { CONTENT_COLUMNS, CONTENT_TYPES, contentRow, REVISION_COLUMNS, revisionRow, statementChunks, valuesList } from "./content-rows.js";

/** The catalogue in `canopy_content` and `canopy_content_revisions`; pages are keyset range scans of `(kind, name_key, id)`. */
export function postgresContent(sql: SqlClient): ContentRepository {
  const items = async <K extends ContentKind>(text: string, values: unknown[]) =>
    (await sql.query<{ doc: ContentItemRecord<K> }>(text, values)).rows.map((row) => row.doc);
  const revisions = async <K extends ContentKind>(text: string, values: unknown[]) =>
    (await sql.query<{ doc: ContentRevisionRecord<K> }>(text, values)).rows.map((row) => row.doc);
  const nameTaken = (item: ContentItemRecord) => {
    const taken = contentNameTaken(item.kind, item.name);
    return problems.conflict(taken.code, taken.detail);
  };
  return {
    async get<K extends ContentKind>(kind: K, id: string) {
      return (await items<K>("SELECT doc FROM canopy_content WHERE id = $1 AND kind = $2", [id, kind]))[0];
    },
    async getForUpdate<K extends ContentKind>(kind: K, id: string) {
      return (await items<K>("SELECT doc FROM canopy_content WHERE id = $1 AND kind = $2 FOR UPDATE", [id, kind]))[0];
    },
    async getByName<K extends ContentKind>(kind: K, name: string) {
      return (await items<K>("SELECT doc FROM canopy_content WHERE kind = $1 AND name_key = $2", [kind, contentNameKey(name)]))[0];
    },
    getByNamesForUpdate(names) {
      // Locked as the sort hands rows up, so in the order the names are given.
      return items(
        `SELECT c.doc FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS want(kind, name_key, n)
           JOIN canopy_content c ON c.kind = want.kind COLLATE "C" AND c.name_key = want.name_key COLLATE "C"
          ORDER BY want.n FOR UPDATE OF c`,
        [names.map((ref) => ref.kind), names.map((ref) => contentNameKey(ref.name))],
      );
    },
    async page<K extends ContentKind>(kind: K, query: ContentListQuery) {
      const values: unknown[] = [kind];
      const param = (value: unknown) => `$${values.push(value)}`;
      const where = ["kind = $1"];
      if (query.cursor !== undefined) {
        const [nameKey, id] = decodeCursor(query.cursor);
        where.push(`(name_key, id) > (${param(nameKey)}::text COLLATE "C", ${param(id)}::text COLLATE "C")`);
      }
      if (query.level !== undefined) where.push(`level = ${param(query.level)}`);
      if (query.tag !== undefined) where.push(`${param(query.tag)}::text = ANY(tags)`);
      const needle = contentNeedle(query);
      if (needle !== undefined) where.push(`EXISTS (SELECT 1 FROM unnest(search) AS s(text) WHERE strpos(s.text, ${param(needle)}) > 0)`);
      const rows = await items<K>(`SELECT doc FROM canopy_content WHERE ${where.join(" AND ")} ORDER BY name_key, id LIMIT ${param(query.limit + 1)}`, values);
      return pageOf(rows, query.limit);
    },
    all<K extends ContentKind>(kind: K) {
      return items<K>("SELECT doc FROM canopy_content WHERE kind = $1", [kind]);
    },
    async revision<K extends ContentKind>(kind: K, itemId: string, n: number) {
      return (await revisions<K>("SELECT doc FROM canopy_content_revisions WHERE item_id = $1 AND revision = $2 AND kind = $3", [itemId, n, kind]))[0];
    },
    async revisionsOf(refs) {
      if (refs.length === 0) return [];
      return revisions(
        `SELECT r.doc FROM canopy_content_revisions r
           JOIN unnest($1::text[], $2::integer[], $3::text[]) AS want(item_id, revision, kind)
             ON r.item_id = want.item_id AND r.revision = want.revision AND r.kind = want.kind`,
        [refs.map((ref) => ref.itemId), refs.map((ref) => ref.revision), refs.map((ref) => ref.kind)],
      );
    },
    history: <K extends ContentKind>(kind: K, itemId: string, latest: number) =>
      revisions<K>("SELECT doc FROM canopy_content_revisions WHERE item_id = $1 AND kind = $2 AND revision <= $3 ORDER BY revision DESC", [itemId, kind, latest]),
    async insert(item) {
      // ON CONFLICT rather than a caught error: a failed statement would end the unit's
      // transaction, and an import goes on past a refused item.
      const { rowCount } = await sql.query(
        `INSERT INTO canopy_content (${CONTENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, name_key) DO NOTHING`,
        contentRow(item),
      );
      if (!rowCount) throw nameTaken(item);
    },
    async update(item) {
      try {
        const { rowCount } = await sql.query("UPDATE canopy_content SET name_key = $3, level = $4, tags = $5, search = $6, doc = $7 WHERE id = $1 AND kind = $2", contentRow(item));
        if (!rowCount) throw problems.notFound(`${item.kind} ${item.id}`);
      } catch (error) {
        throw isUniqueViolation(error) ? nameTaken(item) : error;
      }
    },
    async addRevision(revision) {
      await sql.query(`INSERT INTO canopy_content_revisions (${REVISION_COLUMNS}) VALUES ($1, $2, $3, $4)`, revisionRow(revision));
    },
    async insertMany(rows) {
      const inserted = new Set<string>();
      for (const chunk of statementChunks(rows)) {
        const { list, values } = valuesList(chunk.map(contentRow));
        const { rows: written } = await sql.query<{ id: string }>(
          `INSERT INTO canopy_content (${CONTENT_COLUMNS}) VALUES ${list} ON CONFLICT (kind, name_key) DO NOTHING RETURNING id`,
          values,
        );
        for (const { id } of written) inserted.add(id);
      }
      return rows.filter((item) => !inserted.has(item.id));
    },
    async updateMany(rows) {
      try {
        for (const chunk of statementChunks(rows)) {
          const { list, values } = valuesList(chunk.map(contentRow), CONTENT_TYPES);
          const { rows: written } = await sql.query<{ id: string }>(
            `UPDATE canopy_content c SET name_key = v.name_key, level = v.level, tags = v.tags, search = v.search, doc = v.doc
               FROM (VALUES ${list}) AS v(${CONTENT_COLUMNS})
              WHERE c.id = v.id AND c.kind = v.kind COLLATE "C" RETURNING c.id`,
            values,
          );
          const updated = new Set(written.map((row) => row.id));
          const missing = chunk.find((item) => !updated.has(item.id));
          if (missing) throw problems.notFound(`${missing.kind} ${missing.id}`);
        }
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The server names the key it refused: "Key (kind, name_key)=(siem-rule, x) already exists."
        const detail = String((error as { detail?: unknown }).detail ?? "");
        throw nameTaken(rows.find((item) => detail.includes(`=(${item.kind}, ${contentNameKey(item.name)})`)) ?? rows[0]!);
      }
    },
    async addRevisions(list) {
      for (const chunk of statementChunks(list)) {
        const { list: rows, values } = valuesList(chunk.map(revisionRow));
        await sql.query(`INSERT INTO canopy_content_revisions (${REVISION_COLUMNS}) VALUES ${rows}`, values);
      }
    },
    async delete(kind, id) {
      return ((await sql.query("DELETE FROM canopy_content WHERE id = $1 AND kind = $2", [id, kind])).rowCount ?? 0) > 0;
    },
  };
}
