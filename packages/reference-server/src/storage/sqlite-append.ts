/**
 * Appending to the SQLite log on one connection: inside a `BEGIN IMMEDIATE` transaction, read the chain head, link
 * the records with the chain's one linker and insert them, so the chain stays linear even when several processes
 * share the file. The writer thread runs it on its own connection; an in-memory database on the main one.
 */
import type Database from 'better-sqlite3';
import { linkRecords } from '../chain.js';
import { decisionValues } from './rows.js';
import { sqlFor } from './schema.js';
import type { LinkedLogRow, NewLogRow } from './types.js';

/** The (pack, idempotency key) of a decision entry made under a key, if any. */
export function keyOf(r: NewLogRow): { pack: string; key: string } | undefined {
  if (!('entry' in r) || r.entry.kind !== 'decision' || r.entry.idempotencyKey === undefined) return undefined;
  return { pack: r.entry.pack, key: r.entry.idempotencyKey };
}

/**
 * Prepares the append statements on a connection.
 *
 * @param db - an open connection to a migrated database
 * @returns a function appending records in one immediate transaction and returning them linked
 * @example
 * ```ts
 * const append = sqliteAppender(db);
 * const [stored] = append([record]);
 * ```
 */
export function sqliteAppender(db: Database.Database): (records: NewLogRow[]) => LinkedLogRow[] {
  const link = sqliteLinker(db);
  const append = db.transaction(link);
  return (records) => append.immediate(records);
}

/**
 * Prepares the statements that link records onto the chain head and insert them (marking a decision's
 * idempotency key done), to run inside a transaction the caller holds: a pack version or an activation stored
 * with its log entry, nothing half-applied.
 *
 * @param db - an open connection to a migrated database
 * @returns a function linking and inserting records; call it only inside an immediate transaction
 * @example
 * ```ts
 * const link = sqliteLinker(db);
 * db.transaction(() => { insertState(); link([{ format: 2, entry }]); }).immediate();
 * ```
 */
export function sqliteLinker(db: Database.Database): (records: NewLogRow[]) => LinkedLogRow[] {
  const sql = sqlFor('sqlite');
  const head = db.prepare(sql.chainHead);
  const insert = db.prepare(sql.insertDecisions(1));
  const done = db.prepare(sql.markKeyDone);
  return (records) => {
    const linked = linkRecords(head.get() as { seq: number; hash: string } | undefined, records);
    for (const r of linked) {
      insert.run(...decisionValues(r));
      // The key's claim turns done with the entry, in the same transaction.
      const key = keyOf(r);
      if (key) done.run(r.seq, key.pack, key.key);
    }
    return linked;
  };
}
