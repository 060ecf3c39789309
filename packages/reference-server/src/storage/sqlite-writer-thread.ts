/**
 * The SQLite log writer thread's entry file, built by tsup to `dist/sqlite-writer-thread.js` (and `.cjs`) and
 * started by `SqliteWriterClient` (sqlite-writer.ts). It opens its own connection to the file and commits appends:
 * when a transaction ends, every append that arrived meanwhile is taken from the port at once
 * (`receiveMessageOnPort`) and committed in the next single transaction (one fsync for all); when that transaction
 * fails, each of them is refused. Linking and hashing are the chain module's (`linkRecords`, core's `hashRecord`),
 * the very code the main thread verifies with.
 */
import { isMainThread, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqliteAppender } from './sqlite-append.js';
import type { NewLogRow } from './types.js';
import type { WriterData, WriterLink, WriterReply, WriterRequest } from './sqlite-writer.js';

/** Errors after which the connection is reopened for the next request (its state may be unusable). */
const REOPEN = /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN|PROTOCOL|PERM)/;

/**
 * Serves writer requests on a port until the thread is terminated.
 *
 * @param port - the worker's parent port
 * @param data - see {@link WriterData}
 * @example
 * ```ts
 * runWriterThread(parentPort, workerData);
 * ```
 */
export function runWriterThread(port: MessagePort, data: WriterData): void {
  let db: Database.Database | undefined;
  let append: ((records: NewLogRow[]) => WriterLink[]) | undefined;
  const pragmas = [...data.pragmas];
  const reply = (message: WriterReply): void => port.postMessage(message);

  const open = (): Database.Database => {
    if (db?.open) return db;
    const conn = new Database(data.file, { fileMustExist: true });
    try {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = FULL');
      conn.pragma(`busy_timeout = ${Math.trunc(data.busyTimeoutMs)}`);
      for (const statement of pragmas) conn.pragma(statement);
      append = sqliteAppender(conn);
    } catch (error) {
      conn.close();
      throw error;
    }
    db = conn;
    return conn;
  };

  const failure = (error: unknown): { code?: string; message: string; name?: string } => {
    const e = error as { code?: unknown; message?: unknown; name?: unknown };
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && REOPEN.test(code) && db?.open) {
      try {
        db.close();
      } catch {
        // the connection is being dropped anyway
      }
    }
    if (!db?.open) db = undefined;
    return { ...(code ? { code } : {}), message: String(e.message ?? error), ...(typeof e.name === 'string' ? { name: e.name } : {}) };
  };

  /** Commits these appends (and every append already waiting) in one transaction, then answers each. */
  const commit = (first: WriterRequest & { op: 'append' }): WriterRequest | undefined => {
    const batch = [first];
    let next: WriterRequest | undefined;
    while ((next = receiveMessageOnPort(port)?.message as WriterRequest | undefined) !== undefined && next.op === 'append') batch.push(next);
    const groups: NewLogRow[][] = [];
    const ids: number[] = [];
    for (const m of batch) {
      try {
        groups.push(JSON.parse(m.records) as NewLogRow[]);
        ids.push(m.id);
      } catch (error) {
        reply({ id: m.id, ok: false, error: failure(error) });
      }
    }
    try {
      open();
      const links = (append as (records: NewLogRow[]) => WriterLink[])(groups.flat());
      let offset = 0;
      ids.forEach((id, i) => {
        const size = groups[i]?.length ?? 0;
        const result = links.slice(offset, offset + size).map(({ seq, prevHash, hash }) => ({ seq, prevHash, hash }));
        offset += size;
        reply({ id, ok: true, result });
      });
    } catch (error) {
      const reason = failure(error);
      for (const id of ids) reply({ id, ok: false, error: reason });
    }
    return next;
  };

  const handle = (message: WriterRequest): void => {
    let pending: WriterRequest | undefined = message;
    while (pending) {
      const current: WriterRequest = pending;
      pending = undefined;
      if (current.op === 'append') {
        pending = commit(current);
        continue;
      }
      try {
        let result: unknown = null;
        if (current.op === 'pragma') {
          result = open().pragma(current.statement);
          pragmas.push(current.statement);
        } else {
          if (db?.open) db.close();
          db = undefined;
        }
        reply({ id: current.id, ok: true, result });
      } catch (error) {
        reply({ id: current.id, ok: false, error: failure(error) });
      }
    }
  };

  port.on('message', handle);
}

if (!isMainThread && parentPort) runWriterThread(parentPort, workerData as WriterData);
