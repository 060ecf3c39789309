/**
 * The SQLite log writer thread. better-sqlite3 is synchronous: a commit with `synchronous=FULL` waits for fsync,
 * and on the main thread that wait stopped every request of the server (measured: the decisions endpoint at about
 * a fifth of a constant endpoint's requests/s). Appends therefore go to a worker thread with its own connection to
 * the same file: the main thread keeps reading and answering while a group is committed, and a decision's promise
 * (and so its `201`) resolves only when the worker reports the transaction holding it committed. The main thread
 * only serialises each group with `JSON.stringify` (native and quick); the worker links them to the chain head and
 * hashes them inside a `BEGIN IMMEDIATE` transaction (so several processes may still share the file). Group commit happens in the worker: when a transaction ends, every append that
 * arrived meanwhile is taken from the port at once (`receiveMessageOnPort`) and committed in the next single
 * transaction, one fsync for all of them; when that transaction fails, each of them is refused.
 *
 * The thread's code is a real entry file, `sqlite-writer-thread.ts` (see {@link writerThreadEntry} for how it is
 * found from the build and from the sources). If the thread dies, every append in flight is refused (`503`,
 * nothing acknowledged) and the next append starts a new thread: the server recovers without a restart.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { recordsJson } from './record-json.js';
import type { NewLogRow } from './types.js';

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

/** A writer thread failed; `code` is the SQLite error code when there is one. */
export class WriterError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'WriterError';
    this.code = code;
  }
}

/**
 * Where the writer thread's entry file is. From the built package (what `pnpm start` and every installed copy
 * run) it is `sqlite-writer-thread.js` — `.cjs` beside the CommonJS build — in the same `dist` folder as the bundle
 * running this code. From the TypeScript sources (vitest runs them) it is `sqlite-writer-thread.ts` beside this
 * file, started through `ts-worker.cjs` with tsx's CommonJS hook (a dev dependency), so tests run the current
 * source of the thread, not a stale build. Either way a missing file is a clear error at start, not a thread that
 * dies at its first append.
 *
 * @param moduleUrl - the URL of the module asking (default: this module's `import.meta.url`, which tsup shims in
 * the CommonJS build)
 * @returns `file`, the worker's main file, and from the sources `entry`, the TypeScript entry it loads
 * @throws Error naming the file looked for and what provides it
 * @example
 * ```ts
 * const { file, entry } = writerThreadEntry();
 * new Worker(file, { workerData: { ...data, entry } });
 * ```
 */
export function writerThreadEntry(moduleUrl: string = import.meta.url): { file: string; entry?: string } {
  const here = fileURLToPath(moduleUrl);
  const fromSource = here.endsWith('.ts');
  const built = `sqlite-writer-thread${here.endsWith('.cjs') ? '.cjs' : '.js'}`;
  const entry = join(dirname(here), fromSource ? 'sqlite-writer-thread.ts' : built);
  if (!existsSync(entry)) {
    throw new Error(`the SQLite writer thread's entry file ${entry} is missing: build the package (pnpm build)`);
  }
  if (!fromSource) return { file: entry };
  try {
    createRequire(here).resolve('tsx/cjs');
  } catch (error) {
    throw new Error(`the SQLite writer thread from the TypeScript sources needs tsx (a dev dependency): ${String(error)}`);
  }
  return { file: join(dirname(here), 'ts-worker.cjs'), entry };
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
  append(records: NewLogRow[]): Promise<WriterLink[]> {
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
    const data: WriterData = { file: this.options.file, busyTimeoutMs: this.options.busyTimeoutMs, pragmas: [...this.pragmas] };
    const { file, entry } = writerThreadEntry();
    // No inherited flags: the thread needs none, and some of the parent's (`--input-type`) refuse to start a worker.
    const worker = new Worker(file, { execArgv: [], workerData: entry === undefined ? data : { ...data, entry } });
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
