/**
 * The SQLite log writer thread. better-sqlite3 is synchronous: a commit with `synchronous=FULL` waits for fsync,
 * and on the main thread that wait stopped every request of the server (measured: the decisions endpoint at about
 * a fifth of a constant endpoint's requests/s). Appends therefore go to a worker thread with its own connection to
 * the same file: the main thread keeps reading and answering while a group is committed, and a decision's promise
 * (and so its `201`) resolves only when the worker reports the transaction holding it committed. The main thread
 * only serialises each group with `JSON.stringify` (native and quick); the worker canonicalises the records
 * (RFC 8785), links them to the chain head inside a `BEGIN IMMEDIATE` transaction (so several processes may still
 * share the file) and hashes them. Group commit happens in the worker: when a transaction ends, every append that
 * arrived meanwhile is taken from the port at once (`receiveMessageOnPort`) and committed in the next single
 * transaction, one fsync for all of them; when that transaction fails, each of them is refused.
 *
 * The worker's code is {@link writerThread} (with `canonicalText` and `recordHashBody` of the chain module) passed as source to an
 * `eval` worker, so the same code runs from the TypeScript sources under test and from the built package, with no
 * separate worker file to locate. If the worker dies, every append in flight is refused (`503`, nothing
 * acknowledged) and the next append starts a new worker: the server recovers without a restart.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { canonicalText, recordHashBody } from '../chain.js';
import { recordsJson } from './record-json.js';
import type { NewDecisionRecord } from './types.js';

/** A record's place in the chain, as the writer assigned it. */
export interface WriterLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/** What the writer thread is started with. */
export interface WriterData {
  /** The database file (it must exist: the main connection creates and migrates it). */
  file: string;
  busyTimeoutMs: number;
  /** Resolved path of the better-sqlite3 module. */
  betterSqlite3: string;
  /** PRAGMA statements to run after opening (e.g. a page limit set at run time). */
  pragmas: string[];
}

/** A message to the writer thread. */
export type WriterRequest =
  | { id: number; op: 'append'; /** `JSON.stringify` of the records, in order */ records: string }
  | { id: number; op: 'pragma'; statement: string }
  | { id: number; op: 'close' };

/** A reply from the writer thread. */
export type WriterReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code?: string; message: string; name?: string } };

/** The minimal port the writer thread talks through. */
interface Port {
  on(event: 'message', listener: (message: WriterRequest) => void): void;
  postMessage(message: WriterReply): void;
}

/** Tools the writer thread receives (it imports nothing itself). */
export interface WriterTools {
  /** The better-sqlite3 constructor. */
  Database: typeof BetterSqlite3;
  /** SHA-256 of a UTF-8 string, as hex. */
  sha256Hex: (text: string) => string;
  /** The next message already waiting on the port, if any (`receiveMessageOnPort`). */
  receive: () => WriterRequest | undefined;
  canonicalText: typeof canonicalText;
  recordHashBody: typeof recordHashBody;
}

/**
 * The body of the writer thread. Self-contained (it runs from its own source text in the worker): everything it
 * uses arrives as an argument.
 *
 * @param port - the worker's parent port
 * @param data - see {@link WriterData}
 * @param tools - see {@link WriterTools}
 * @example
 * ```ts
 * // inside the worker: writerThread(parentPort, workerData, { Database, sha256Hex, receive, canonicalText, recordHashBody })
 * ```
 */
export function writerThread(port: Port, data: WriterData, tools: WriterTools): void {
  const GENESIS = `sha256:${'0'.repeat(64)}`;
  const COLUMNS =
    'seq, decision_id, recorded_at, pack, version, pack_hash, as_of, parameters_json, facts_json, outcome_json, decision_json, prev_hash, hash';
  // Errors after which the connection is reopened for the next request (its state may be unusable).
  const REOPEN = /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN|PROTOCOL|PERM)/;
  const { Database, sha256Hex, receive, canonicalText: canon, recordHashBody: hashBody } = tools;
  let db: BetterSqlite3.Database | undefined;
  let append: ((groups: NewDecisionRecord[][]) => WriterLink[][]) | undefined;
  const pragmas = [...data.pragmas];

  const open = (): BetterSqlite3.Database => {
    if (db?.open) return db;
    const conn = new Database(data.file, { fileMustExist: true });
    try {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = FULL');
      conn.pragma(`busy_timeout = ${Math.trunc(data.busyTimeoutMs)}`);
      for (const statement of pragmas) conn.pragma(statement);
    } catch (error) {
      conn.close();
      throw error;
    }
    const head = conn.prepare('SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1');
    const insert = conn.prepare(`INSERT INTO decisions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const tx = conn.transaction((groups: NewDecisionRecord[][]): WriterLink[][] => {
      const last = head.get() as { seq: number; hash: string } | undefined;
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS;
      return groups.map((records) =>
        records.map((r) => {
          seq += 1;
          const columns = {
            parametersJson: canon(r.parameters),
            factsJson: canon(r.facts),
            outcomeJson: canon(r.outcome),
            decisionJson: canon(r.decision),
          };
          const hash = `sha256:${sha256Hex(hashBody(seq, prevHash, r, columns))}`;
          insert.run(
            seq, r.decisionId, r.recordedAt, r.pack, r.version, r.packHash, r.asOf,
            columns.parametersJson, columns.factsJson, columns.outcomeJson, columns.decisionJson, prevHash, hash,
          );
          const link = { seq, prevHash, hash };
          prevHash = hash;
          return link;
        }),
      );
    });
    append = (groups) => tx.immediate(groups);
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
    while ((next = receive()) !== undefined && next.op === 'append') batch.push(next);
    const groups: NewDecisionRecord[][] = [];
    const ids: number[] = [];
    for (const m of batch) {
      try {
        groups.push(JSON.parse(m.records) as NewDecisionRecord[]);
        ids.push(m.id);
      } catch (error) {
        port.postMessage({ id: m.id, ok: false, error: failure(error) });
      }
    }
    try {
      open();
      const links = (append as (g: NewDecisionRecord[][]) => WriterLink[][])(groups);
      ids.forEach((id, i) => port.postMessage({ id, ok: true, result: links[i] }));
    } catch (error) {
      const reason = failure(error);
      for (const id of ids) port.postMessage({ id, ok: false, error: reason });
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
        } else if (current.op === 'close') {
          if (db?.open) db.close();
          db = undefined;
        }
        port.postMessage({ id: current.id, ok: true, result });
      } catch (error) {
        port.postMessage({ id: current.id, ok: false, error: failure(error) });
      }
    }
  };

  port.on('message', handle);
}

/** The worker's bootstrap: loads its modules and runs {@link writerThread} from source. */
const BOOTSTRAP = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
(${writerThread.toString()})(parentPort, workerData, {
  Database: require(workerData.betterSqlite3),
  sha256Hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
  receive: () => receiveMessageOnPort(parentPort)?.message,
  canonicalText: (${canonicalText.toString()}),
  recordHashBody: (${recordHashBody.toString()}),
});
`;

/** A writer thread failed; `code` is the SQLite error code when there is one. */
export class WriterError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'WriterError';
    this.code = code;
  }
}

function resolveBetterSqlite3(): string {
  // `__filename` exists in the CommonJS build; the ESM build resolves from `import.meta.url`.
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url).resolve('better-sqlite3');
}

/**
 * The main thread's side of the writer: starts the worker on first use, sends requests, and matches replies.
 *
 * @example
 * ```ts
 * const writer = new SqliteWriterClient({ file, busyTimeoutMs: 5000 });
 * const links = await writer.append(records);
 * await writer.close();
 * ```
 */
export class SqliteWriterClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private closed = false;
  private readonly pragmas: string[] = [];

  constructor(private readonly options: { file: string; busyTimeoutMs: number }) {}

  /**
   * Appends records, contiguous and in order, in one transaction (shared with appends sent meanwhile); resolves
   * with their links once committed. Appends may be sent without waiting for earlier ones: they commit in order.
   */
  append(records: NewDecisionRecord[]): Promise<WriterLink[]> {
    return this.request({ op: 'append', records: recordsJson(records) }) as Promise<WriterLink[]>;
  }

  /** Runs a PRAGMA on the writer's connection (and again whenever the connection is reopened). */
  async pragma(statement: string): Promise<unknown> {
    const result = await this.request({ op: 'pragma', statement });
    this.pragmas.push(statement);
    return result;
  }

  /** Closes the connection and stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.send(worker, { op: 'close' });
    } catch {
      // the thread is going away anyway
    }
    await worker.terminate();
    this.worker = undefined;
  }

  private request(message: { op: 'append'; records: string } | { op: 'pragma'; statement: string }): Promise<unknown> {
    if (this.closed) return Promise.reject(new WriterError('the writer is closed', 'SQLITE_MISUSE_CLOSED'));
    return this.send(this.start(), message);
  }

  private send(worker: Worker, message: Record<string, unknown> & { op: string }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  private settle(id: number): { resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: WriterData = {
      file: this.options.file,
      busyTimeoutMs: this.options.busyTimeoutMs,
      betterSqlite3: resolveBetterSqlite3(),
      pragmas: [...this.pragmas],
    };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data });
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const entry = this.settle(reply.id);
      if (!entry) return;
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(new WriterError(reply.error.message, reply.error.code));
    });
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const failure = new WriterError(`the SQLite writer thread stopped: ${error instanceof Error ? error.message : String(error)}`, 'SQLITE_IOERR_WRITER_THREAD');
      for (const id of [...this.pending.keys()]) this.settle(id)?.reject(failure);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
