/**
 * Verification that never blocks the server. The server keeps a **verified watermark** — the last record (seq and
 * hash) proven to continue the chain from the genesis — in the database (`audit_state`, migration 4), so a restart
 * resumes from it. New records are checked soon after they are appended (every `verifyTailMs`, default 5 s) and
 * whenever `GET /v1/audit/verify` asks: only the tail above the watermark is walked, at most {@link MAX_TAIL}
 * records a call, in the verification thread (audit-worker.ts). A **full run** re-walks the whole chain from the
 * genesis in that thread, in chunks, with progress that can be polled; it starts on request (`?full=true`, admin)
 * and on a schedule (`verifyIntervalMs`, default daily, 0 turns it off), so an edit below the watermark is found
 * without anyone asking; its result is kept with the watermark and reported by every verify answer until a later
 * full run passes. An in-memory SQLite database (one connection, no file) is walked on the main thread in small
 * chunks instead, one chunk a turn of the event loop.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ChainChecker, GENESIS_HASH, type ChainPoint, type LineBreak } from '@aftersales/core';
import type { WalkReply, WalkTask } from './audit-worker.js';
import type { Storage } from './storage/types.js';

/** Default period of the scheduled full run: one day. */
export const DEFAULT_VERIFY_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Default period of the tail check of new records: 5 s. */
export const DEFAULT_VERIFY_TAIL_MS = 5000;
/** Most records one tail check walks (the rest waits for the next check). */
export const MAX_TAIL = 50_000;
/** Records read per chunk of a walk. */
export const WALK_CHUNK = 1000;

/** A full re-verification, running or ended. */
export interface FullRun {
  id: string;
  state: 'running' | 'passed' | 'broken' | 'failed';
  trigger: 'request' | 'schedule';
  startedAt: string;
  endedAt?: string;
  /** The head when the run started: it walks seq 1 to here. */
  through: number;
  checked: number;
  firstBroken?: LineBreak;
  /** Why a run could not finish (the database went away). */
  error?: string;
}

/** What is kept in `audit_state`. */
interface PersistedState {
  verified: ChainPoint;
  lastFull?: FullRun;
}

/**
 * Where the verification thread's entry file is (see `adminWorkerEntry` in admin-runner.ts: the package's `dist`
 * when running from the sources).
 *
 * @example
 * ```ts
 * new Worker(auditWorkerEntry());
 * ```
 */
export function auditWorkerEntry(): URL {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../dist/audit-worker.js', here);
  return new URL(here.pathname.endsWith('.cjs') ? './audit-worker.cjs' : './audit-worker.js', here);
}

type Handler = { progress: (checked: number, at: number) => void; done: (reply: Extract<WalkReply, { type: 'done' }>) => void; fail: (error: Error) => void };

/**
 * Keeps the verified watermark, checks the tail, runs full verifications off the event loop.
 *
 * @example
 * ```ts
 * const verifier = await AuditVerifier.open(storage, clock, { intervalMs: 0 });
 * const tail = await verifier.checkTail();
 * const run = verifier.startFull('request');
 * ```
 */
export class AuditVerifier {
  private worker: Worker | undefined;
  private handlers = new Map<number, Handler>();
  private nextTask = 1;
  private runs = new Map<string, FullRun>();
  private running: FullRun | undefined;
  private tail: Promise<{ checked: number; firstBroken?: LineBreak }> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly openedAt: number;
  /** When the last full run of this process ended (real time). */
  private lastEndedMs: number | undefined;

  private constructor(
    private readonly storage: Storage,
    private readonly clock: () => Date,
    private state: PersistedState,
    private readonly entry: URL | string,
  ) {
    this.openedAt = Date.now();
    if (state.lastFull) this.runs.set(state.lastFull.id, state.lastFull);
  }

  /**
   * Reads the kept state and starts the tail check and the schedule.
   *
   * @param options - `intervalMs` of the scheduled full run (0 off), `tailMs` of the tail check (0 off), `entry`
   */
  static async open(storage: Storage, clock: () => Date, options: { intervalMs?: number; tailMs?: number; entry?: URL | string } = {}): Promise<AuditVerifier> {
    const kept = (await storage.readAuditState()) as PersistedState | undefined;
    const state: PersistedState = kept?.verified ? kept : { verified: { seq: 0, hash: GENESIS_HASH } };
    const verifier = new AuditVerifier(storage, clock, state, options.entry ?? auditWorkerEntry());
    const intervalMs = options.intervalMs ?? DEFAULT_VERIFY_INTERVAL_MS;
    const tailMs = options.tailMs ?? DEFAULT_VERIFY_TAIL_MS;
    if (tailMs > 0) verifier.every(tailMs, () => verifier.checkTail().then(() => undefined));
    if (intervalMs > 0) {
      verifier.every(Math.min(intervalMs, 60_000), async () => {
        // Real time, not the server's decision clock (which tests fix).
        const ended = verifier.lastEndedMs ?? Date.parse(verifier.state.lastFull?.endedAt ?? '');
        const last = Number.isFinite(ended) ? ended : verifier.openedAt;
        if (!verifier.running && Date.now() - last >= intervalMs) verifier.startFull('schedule');
      });
    }
    return verifier;
  }

  /** The watermark, the last full run and the one running. */
  status(): { verified: ChainPoint; lastFull: FullRun | null; running: FullRun | null } {
    return { verified: { ...this.state.verified }, lastFull: this.state.lastFull ?? null, running: this.running ?? null };
  }

  /** A full run by id (the running one, the last one, or one ended since start). */
  get(id: string): FullRun | undefined {
    return this.runs.get(id);
  }

  /**
   * Walks the records above the watermark (at most {@link MAX_TAIL}) and moves the watermark over those that hold.
   * Calls at the same time share one walk.
   *
   * @returns how many were checked and the first break, if any
   */
  checkTail(): Promise<{ checked: number; firstBroken?: LineBreak }> {
    this.tail ??= this.walkTail().finally(() => {
      this.tail = undefined;
    });
    return this.tail;
  }

  private async walkTail(): Promise<{ checked: number; firstBroken?: LineBreak }> {
    const head = await this.storage.chainHead();
    const from = this.state.verified;
    if (!head || head.seq <= from.seq) return { checked: 0 };
    const through = Math.min(head.seq, from.seq + MAX_TAIL);
    const result = await this.walk(from, through, () => undefined);
    if (result.verified.seq > this.state.verified.seq) {
      this.state = { ...this.state, verified: result.verified };
      await this.persist();
    }
    return { checked: result.checked, ...(result.firstBroken ? { firstBroken: result.firstBroken } : {}) };
  }

  /**
   * Starts a full run from the genesis to the current head in the verification thread (or returns the one running).
   *
   * @param trigger - `request` (`?full=true`) or `schedule`
   * @returns the run, whose `checked` grows as it goes
   */
  startFull(trigger: FullRun['trigger']): FullRun {
    if (this.running) return this.running;
    const run: FullRun = { id: `v-${this.clock().getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, state: 'running', trigger, startedAt: this.clock().toISOString(), through: 0, checked: 0 };
    this.running = run;
    this.runs.set(run.id, run);
    void (async () => {
      try {
        run.through = (await this.storage.chainHead())?.seq ?? 0;
        const result = await this.walk({ seq: 0, hash: GENESIS_HASH }, run.through, (checked) => {
          run.checked = checked;
        });
        run.checked = result.checked;
        run.state = result.firstBroken ? 'broken' : 'passed';
        if (result.firstBroken) run.firstBroken = result.firstBroken;
        if (!result.firstBroken && result.verified.seq > this.state.verified.seq) this.state = { ...this.state, verified: result.verified };
      } catch (error) {
        run.state = 'failed';
        run.error = error instanceof Error ? error.message : String(error);
      }
      run.endedAt = this.clock().toISOString();
      this.lastEndedMs = Date.now();
      this.running = undefined;
      // A run that could not finish says nothing about the log: the last finished one stays the answer.
      if (run.state !== 'failed') this.state = { ...this.state, lastFull: { ...run } };
      await this.persist().catch(() => undefined);
    })();
    return run;
  }

  /** Stops the timers and the thread. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private every(ms: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task().catch(() => undefined).finally(() => {
        busy = false;
      });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private persist(): Promise<void> {
    return this.storage.writeAuditState(this.state);
  }

  /** Walks `(after.seq, through]` in the thread (or here, for an in-memory database). */
  private walk(after: ChainPoint, through: number, progress: (checked: number, at: number) => void): Promise<{ verified: ChainPoint; checked: number; firstBroken?: LineBreak }> {
    const source = this.storage.readerSource;
    const file = this.entry instanceof URL ? fileURLToPath(this.entry) : this.entry;
    if (!source || !existsSync(file)) return this.walkHere(after, through, progress);
    const worker = this.start(file);
    const id = this.nextTask++;
    return new Promise((resolve, reject) => {
      this.handlers.set(id, {
        progress,
        done: (reply) => resolve({ verified: reply.verified, checked: reply.checked, ...(reply.firstBroken ? { firstBroken: reply.firstBroken } : {}) }),
        fail: reject,
      });
      worker.ref();
      const task: WalkTask = { id, source, after, through, chunk: WALK_CHUNK };
      worker.postMessage(task);
    });
  }

  private async walkHere(after: ChainPoint, through: number, progress: (checked: number, at: number) => void): Promise<{ verified: ChainPoint; checked: number; firstBroken?: LineBreak }> {
    const checker = new ChainChecker({ after, sha256: (t) => createHash('sha256').update(t, 'utf8').digest('hex') });
    let at = after.seq;
    let checked = 0;
    while (at < through) {
      const lines = await this.storage.chainLines(at, through, 200);
      if (lines.length === 0) break;
      for (const line of lines) {
        const firstBroken = checker.push(line.text, line.hash);
        if (firstBroken) return { verified: checker.verified, checked, firstBroken };
        checked += 1;
      }
      at = lines[lines.length - 1]?.seq ?? through;
      progress(checked, at);
      await new Promise((r) => setImmediate(r));
    }
    if (checker.verified.seq < through) {
      const seq = checker.verified.seq + 1;
      return { verified: checker.verified, checked, firstBroken: { seq, reason: 'truncated', message: { zh: `序号 ${seq} 起的记录缺失`, en: `records from seq ${seq} are missing` } } };
    }
    return { verified: checker.verified, checked };
  }

  private start(file: string): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(file);
    worker.unref();
    worker.on('message', (reply: WalkReply) => {
      const handler = this.handlers.get(reply.id);
      if (!handler) return;
      if (reply.type === 'progress') return handler.progress(reply.checked, reply.at);
      this.handlers.delete(reply.id);
      if (this.handlers.size === 0) worker.unref();
      if (reply.type === 'done') handler.done(reply);
      else handler.fail(new Error(reply.message));
    });
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, h] of this.handlers) {
        this.handlers.delete(id);
        h.fail(error instanceof Error ? error : new Error(String(error)));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the verification thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
