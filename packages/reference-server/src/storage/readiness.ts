/**
 * What `/readyz` asks storage beyond "does it answer": is the schema intact — every table and column the server
 * reads or writes is present ({@link SCHEMA_COLUMNS}, one `SELECT … WHERE 1 = 0` a table) — and would a write
 * succeed. SQLite answers the second from the connection and the file system (not `query_only`, the page limit not
 * reached, at least `minFreeBytes` free where the file lives); PostgreSQL from the session (not read-only) and,
 * after an append failed, from an insert that is rolled back. Each problem carries the database's own reason.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { SCHEMA_COLUMNS } from './schema.js';
import { StorageUnavailableError, type ReadinessProblem } from './types.js';

/** Least free space (bytes) where the SQLite file lives for a write to be expected to succeed (default 64 KiB). */
export const DEFAULT_READY_MIN_FREE_BYTES = 64 * 1024;

/** The probe statement of each table: its columns, no row. */
export function schemaProbes(table: (name: string) => string): Array<{ table: string; sql: string }> {
  return Object.entries(SCHEMA_COLUMNS).map(([name, columns]) => ({ table: name, sql: `SELECT ${columns.join(', ')} FROM ${table(name)} WHERE 1 = 0` }));
}

/** Whether an error (or the error it wraps) says a table, column or schema is missing. */
export function isMissingSchemaObject(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^(42P01|42703|3F000)$/.test(e.code)) return true;
    if (typeof e.message === 'string' && /no such (table|column)|has no column named/.test(e.message)) return true;
  }
  return false;
}

/**
 * Runs each table's probe; a missing table or column is a `STORAGE_SCHEMA_DAMAGED` problem with the database's
 * message, any other failure is thrown.
 *
 * @param run - runs one statement
 * @param probes - from {@link schemaProbes}
 * @returns the problems found (empty when the schema is intact)
 * @example
 * ```ts
 * await schemaProblems((sql) => pool.query(sql), schemaProbes((t) => `"public".${t}`));
 * ```
 */
export async function schemaProblems(run: (sql: string) => unknown, probes: Array<{ table: string; sql: string }>): Promise<ReadinessProblem[]> {
  const problems: ReadinessProblem[] = [];
  for (const probe of probes) {
    try {
      await run(probe.sql);
    } catch (error) {
      if (!isMissingSchemaObject(error)) throw error;
      const message = error instanceof Error ? error.message.replace(/^(SQLite|PostgreSQL): (the schema is damaged: )?/, '') : String(error);
      problems.push({ code: 'STORAGE_SCHEMA_DAMAGED', reason: `table ${probe.table}: ${message}` });
    }
  }
  return problems;
}

/**
 * Why a write to a SQLite file would fail now, or undefined: the connection is `query_only` or read-only, the page
 * limit is reached with no free page, or the file system holding the file has less than `minFreeBytes` free.
 *
 * @example
 * ```ts
 * sqliteWriteProblem(db, './data/aftersales.db', 64 * 1024); // 'the file system … has 0 bytes free'
 * ```
 */
export function sqliteWriteProblem(db: Database.Database, file: string | undefined, minFreeBytes: number): string | undefined {
  if (db.readonly || db.pragma('query_only', { simple: true }) === 1) return 'the database is read-only (SQLITE_READONLY)';
  const pages = Number(db.pragma('page_count', { simple: true }));
  const limit = Number(db.pragma('max_page_count', { simple: true }));
  if (pages >= limit && Number(db.pragma('freelist_count', { simple: true })) === 0) {
    return `the database is full (SQLITE_FULL): ${pages} pages of a limit of ${limit}, none free`;
  }
  if (file) {
    let free: number;
    try {
      const fs = statfsSync(dirname(file));
      free = Number(fs.bavail) * Number(fs.bsize);
    } catch (error) {
      throw new StorageUnavailableError(`SQLite: cannot read the free space of ${dirname(file)}`, error);
    }
    if (free < minFreeBytes) return `the file system holding ${file} has ${free} bytes free, less than ${minFreeBytes} (ENOSPC)`;
  }
  return undefined;
}
