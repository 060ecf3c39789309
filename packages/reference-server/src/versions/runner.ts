/**
 * The main thread's side of the admin worker: heavy admin work (compiling an uploaded pack, running its suite,
 * replaying decisions for an impact preview) runs in a `node:worker_threads` thread so that decisions, reads and
 * `/healthz` keep being answered meanwhile. Tasks run one at a time, each within a time budget
 * ({@link DEFAULT_ADMIN_BUDGET_MS}, setting `adminBudgetMs`, `AFTERSALES_ADMIN_BUDGET_MS`): a task over budget has
 * its thread terminated and the request gets `503 ADMIN_BUDGET_EXCEEDED`; nothing was stored, because storing
 * happens on the main thread only after the thread answered. The next task starts a new thread.
 *
 * The thread runs a real entry file, `admin-worker.js` (`.cjs` from the CommonJS build), found beside the running
 * module. When the server runs from its TypeScript sources (vitest), Node cannot start a `.ts` worker, so the
 * entry is the package's built `dist/admin-worker.js` (as the tests already read `@aftersales/core` from its
 * build): run `pnpm build` after changing `versions/tasks.ts` or `versions/worker.ts`. `adminWorkerEntry` overrides it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkingDayCalendar } from '@aftersales/core';
import { HttpError } from '../errors.js';
import type { PackNode } from './record.js';
import type { BatchScreen } from '../routes/batch-screen.js';
import type { ImpactInput, ImpactResult, ScreenBatchInput, ScreenInput, UploadInput, UploadResult } from './tasks.js';
import type { AdminReply, AdminTask } from './worker.js';

type TaskBody = AdminTask extends infer T ? (T extends AdminTask ? Omit<T, 'id'> : never) : never;

/** Default time budget of one admin task in the worker thread: 60 s. */
export const DEFAULT_ADMIN_BUDGET_MS = 60_000;

/** Decision bodies over this many bytes are screened in a worker thread first (default 64 KiB). */
export const DEFAULT_SCREEN_BODY_BYTES = 64 * 1024;

/** Default time budget of screening one decision body: 10 s. */
export const DEFAULT_SCREEN_BUDGET_MS = 10_000;

/** What a decision gets when screening its body overruns the budget. */
export const SCREEN_OVERRUN = {
  code: 'SCREEN_BUDGET_EXCEEDED',
  zh: '请求体筛查超出时间预算',
  en: 'screening the request body exceeded its time budget',
  undone: { zh: '未记录任何决定', en: 'nothing was recorded' },
};

/**
 * Where the admin worker's entry file is: beside the running module in a build, the package's `dist` when
 * running from the sources.
 *
 * @example
 * ```ts
 * new Worker(adminWorkerEntry());
 * ```
 */
export function adminWorkerEntry(): URL {
  // `__filename` exists in the CommonJS build; the ESM build and the sources use `import.meta.url`.
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../../dist/admin-worker.js', here);
  return new URL(here.pathname.endsWith('.cjs') ? './admin-worker.cjs' : './admin-worker.js', here);
}

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void; timer: NodeJS.Timeout };

/**
 * Runs admin tasks in a worker thread, one at a time, each within a time budget.
 *
 * @example
 * ```ts
 * const runner = new AdminRunner(60_000);
 * const result = await runner.upload({ body: await c.req.arrayBuffer(), id, version, active });
 * ```
 */
export class AdminRunner {
  private worker: Worker | undefined;
  /** Hashes of the documents the current thread holds (sent once; a new thread gets them again). */
  private sent = new Set<string>();
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param budgetMs - most time one task may take in the thread
   * @param entry - the worker's entry file (default {@link adminWorkerEntry})
   */
  constructor(
    readonly budgetMs = DEFAULT_ADMIN_BUDGET_MS,
    private readonly entry: URL | string = adminWorkerEntry(),
    /** What the request gets when a task overruns: the code, and what was not done (zh, en). */
    private readonly overrun = { code: 'ADMIN_BUDGET_EXCEEDED', zh: '后台任务超出时间预算', en: 'the admin task exceeded its time budget', undone: { zh: '未保存任何内容', en: 'nothing was stored' } },
    /** The working-day calendar the thread's packs count (the server's; default China's, set in the thread). */
    private readonly calendar?: WorkingDayCalendar,
  ) {}

  /**
   * Screens a large decision body in the thread (parse, shape, facts against the pack): throws the refusal the
   * route would give, resolves when the body decides.
   */
  screen(input: ScreenInput): Promise<void> {
    return this.enqueue(() => ({ op: 'screen', input: { ...input, pack: this.slim(input.pack) } }), [input.body]) as Promise<void>;
  }

  /**
   * Screens a large batch body in the thread (every item's shape and facts): throws the refusal of the whole body
   * the route would give, resolves with the refused items and the item count.
   */
  screenBatch(input: ScreenBatchInput): Promise<BatchScreen> {
    return this.enqueue(() => ({ op: 'screen-batch', input: { ...input, pack: this.slim(input.pack) } }), [input.body]) as Promise<BatchScreen>;
  }

  /** Checks an uploaded version in the thread. */
  upload(input: UploadInput): Promise<UploadResult> {
    // Documents are slimmed when the task is sent: a thread started for it holds none yet.
    const active = (): UploadInput['active'] => Object.fromEntries(Object.entries(input.active).map(([k, n]) => [k, this.slim(n)]));
    return this.enqueue(() => ({ op: 'upload', input: { ...input, active: active() } }), [input.body]) as Promise<UploadResult>;
  }

  /** Replays decisions under a version in the thread. */
  impact(input: ImpactInput): Promise<ImpactResult> {
    return this.enqueue(() => ({ op: 'impact', input: { ...input, pack: this.slim(input.pack) } })) as Promise<ImpactResult>;
  }

  /** Stops the thread (tasks in flight are refused). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.stop(new HttpError(503, 'ADMIN_UNAVAILABLE', { zh: '后台任务线程已关闭', en: 'the admin worker thread was closed' }));
    await worker?.terminate();
  }

  private enqueue(build: () => TaskBody, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const run = this.queue.then(() => this.send(build, transfer));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A node without the documents the thread already holds. */
  private slim(node: PackNode): PackNode {
    const known = this.sent.has(node.packHash);
    this.sent.add(node.packHash);
    return { packHash: node.packHash, ...(known ? {} : node.documentJson !== undefined ? { documentJson: node.documentJson } : { document: node.document }), deps: node.deps.map((d) => this.slim(d)) };
  }

  private send(build: () => TaskBody, transfer: ArrayBuffer[]): Promise<unknown> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.stop(
          new HttpError(
            503,
            this.overrun.code,
            {
              zh: `${this.overrun.zh} ${this.budgetMs} 毫秒，已中止；${this.overrun.undone.zh}`,
              en: `${this.overrun.en} of ${this.budgetMs} ms and was stopped; ${this.overrun.undone.en}`,
            },
            [{ path: '', message: `must finish within ${this.budgetMs} ms`, code: this.overrun.code, expected: this.budgetMs }],
          ),
        );
        void worker.terminate();
      }, this.budgetMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.ref();
      try {
        worker.postMessage({ ...build(), id }, transfer);
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const file = this.entry instanceof URL ? fileURLToPath(this.entry) : this.entry;
    if (!existsSync(file)) {
      throw new HttpError(503, 'ADMIN_UNAVAILABLE', {
        zh: `后台任务线程的入口文件 ${file} 不存在（请先运行 pnpm build）`,
        en: `the admin worker's entry file ${file} is missing (run pnpm build)`,
      });
    }
    const worker = new Worker(file, this.calendar ? { workerData: { calendar: this.calendar } } : {});
    worker.unref();
    this.sent = new Set();
    worker.on('message', (reply: AdminReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      clearTimeout(entry.timer);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) entry.resolve(reply.result);
      else {
        const error = new HttpError(reply.error.status, reply.error.code, reply.error.message, reply.error.problems as never, reply.error.headers);
        if (reply.error.truncated) error.truncated = reply.error.truncated;
        entry.reject(error);
      }
    });
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.stop(new HttpError(503, 'ADMIN_UNAVAILABLE', { zh: '后台任务线程意外停止', en: `the admin worker thread stopped: ${error instanceof Error ? error.message : String(error)}` }));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  /** Forgets the thread and refuses what it had in flight. */
  private stop(error: HttpError): void {
    this.worker = undefined;
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
      this.pending.delete(id);
    }
  }
}
