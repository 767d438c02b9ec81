import type pg from "pg";
import { schemaFor, type CollectionSchemas } from "../collection-schemas.js";
import { createJournaledStore, type PartitionChanges, type TransactionWriter } from "../journaled-store.js";
import { StoreWriteError, type StoreFileProblem } from "../store-errors.js";
import type { Doc, Store } from "../store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { describePostgresError } from "./postgres-errors.js";
import { inTransaction } from "./transaction.js";
import { RECORDS_TABLE } from "./records-table.js";

export interface PostgresStoreOptions {
  db: PostgresDatabase;
  /** How long changes gather before one transaction. Default 20 ms. */
  coalesceMs?: number;
  onError?: (error: unknown) => void;
  /** Each collection's document schema, checked when the store loads. */
  schemas?: CollectionSchemas;
  /** Collections that are not loaded (they live in tables of their own, behind repositories). */
  skip?: (collection: string) => boolean;
  /**
   * Collections written in the store's transactions (so a change and, say, its audit entry land
   * together) but neither loaded at open nor kept in memory once durable: their owner reads them
   * with queries. Name prefixes (`"audit."`). For what grows without bound.
   */
  writeOnly?: readonly string[];
  /** Test seam: called before each transaction with what it carries; throw to fail it as the server would. */
  fault?: (changes: readonly PartitionChanges[]) => void;
}

/** The store's rows failed their schemas: the database holds what this hub cannot read. */
export class StoreRecordsError extends Error {
  constructor(readonly problems: StoreFileProblem[]) {
    super(
      `the database holds records of the wrong shape:\n` +
        problems.slice(0, 20).map((p) => `  ${p.collection}${p.id ? ` ${p.id}` : ""}: ${p.message}`).join("\n") +
        (problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ""),
    );
    this.name = "StoreRecordsError";
  }
}

/** Rows per INSERT statement: large batches stay within PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;

/**
 * The Store port on PostgreSQL, with the embedded store's rules (changes visible at once,
 * journaled, coalesced; `flush` resolves when durable; a failed write rolls back): every
 * collection is loaded at open, and each write is ONE transaction carrying only the documents
 * that changed — so a change spanning records and collections commits whole or not at all, and
 * costs what changed, whatever the collection's size.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { db, schemas = {}, writeOnly: prefixes = [] } = options;
  const writeOnly = (collection: string) => prefixes.some((prefix) => collection.startsWith(prefix));
  const initial = await loadRecords(db, schemas, prefixes, options.skip ?? (() => false));
  const writer: TransactionWriter & { writes: number; bytesWritten: number } = {
    kind: "transaction",
    writes: 0,
    bytesWritten: 0,
    async commit(changes) {
      try {
        options.fault?.(changes);
        await inTransaction(db.pool, (client) => writeRecords(client, changes));
      } catch (error) {
        throw new StoreWriteError(`postgres:${changes[0]?.name ?? "records"}`, error, describePostgresError(error));
      }
      writer.writes++;
      for (const change of changes) for (const upsert of change.upserts) writer.bytesWritten += Buffer.byteLength(upsert.json);
    },
  };
  return createJournaledStore({ writer, initial, writeOnly, coalesceMs: options.coalesceMs ?? 20, onError: options.onError ?? (() => {}) });
}

async function loadRecords(db: PostgresDatabase, schemas: CollectionSchemas, writeOnly: readonly string[], skip: (collection: string) => boolean) {
  // Write-only collections stay in the database: start-up reads only what the hub keeps in memory.
  const { rows } = await db.pool.query<{ collection: string; id: string; doc: Doc }>(
    `SELECT collection, id, doc FROM ${RECORDS_TABLE} WHERE NOT (collection LIKE ANY($1::text[]))`,
    [writeOnly.map((prefix) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)],
  );
  const partitions = new Map<string, Doc[]>();
  const problems: StoreFileProblem[] = [];
  for (const row of rows) {
    if (skip(row.collection)) continue;
    const schema = schemaFor(schemas, row.collection);
    const parsed = schema ? schema.safeParse(row.doc) : { success: true as const };
    if (!parsed.success) {
      problems.push({ collection: row.collection, file: RECORDS_TABLE, id: row.id, message: parsed.error.issues[0]?.message ?? "invalid" });
      continue;
    }
    let docs = partitions.get(row.collection);
    if (!docs) partitions.set(row.collection, (docs = []));
    docs.push(row.doc);
  }
  if (problems.length > 0) throw new StoreRecordsError(problems);
  return partitions;
}

/** Applies changes to the records table on `client` (inside the caller's transaction). */
export async function writeRecords(client: pg.ClientBase, changes: readonly PartitionChanges[]): Promise<void> {
  for (const change of changes) {
    if (change.deletes.length > 0) {
      await client.query(`DELETE FROM ${RECORDS_TABLE} WHERE collection = $1 AND id = ANY($2::text[])`, [change.name, change.deletes]);
    }
    for (let start = 0; start < change.upserts.length; start += ROWS_PER_STATEMENT) {
      const rows = change.upserts.slice(start, start + ROWS_PER_STATEMENT);
      // Arrays unnest into rows: one statement and three parameters, whatever the batch size.
      await client.query(
        `INSERT INTO ${RECORDS_TABLE} (collection, id, doc)
         SELECT $1, id, doc::json FROM unnest($2::text[], $3::text[]) AS t(id, doc)
         ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
        [change.name, rows.map((r) => r.id), rows.map((r) => r.json)],
      );
    }
  }
}
