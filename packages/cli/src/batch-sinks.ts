/**
 * Where a batch's lines are decided: on the calling thread, or by a pool of worker threads whose answers are
 * written back in input order; and the tally of outcomes and errors both keep.
 */
import type { Pack } from '@aftersales/core';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { evaluateLine, outcomeKey, tooLongLine } from './batch-line.js';
import { drained, RecordBuffer } from './batch-output.js';
import type { BatchGroup, BatchGroupResult, BatchWorkerData, LineOptions } from './batch-types.js';

const MAX_OUTCOME_KEYS = 100;

/** The counts of a batch, merged line by line or group by group in input order. */
export class Tally {
  decided = 0;
  errors = 0;
  readonly outcomes: Record<string, number> = {};
  readonly errorLines: number[] = [];
  #keys = 0;

  outcome(key: string, count: number): void {
    const seen = this.outcomes[key];
    if (seen !== undefined) this.outcomes[key] = seen + count;
    else if (this.#keys < MAX_OUTCOME_KEYS) {
      this.outcomes[key] = count;
      this.#keys++;
    } else this.outcomes.other = (this.outcomes.other ?? 0) + count;
  }

  errorLine(lineNo: number): void {
    if (this.errorLines.length < 100) this.errorLines.push(lineNo);
  }
}

/** Where the lines of each input chunk go: decided here, or handed to worker threads. */
export interface LineSink {
  take(texts: Array<string | null>, sizes: number[], firstLine: number): Promise<void>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

/** Decides on the calling thread, writing the records in buffers of {@link WRITE_CHUNK_BYTES}. */
export function sequentialSink(pack: Pack, options: LineOptions, maxLineBytes: number, output: Writable, tally: Tally): LineSink {
  const records = new RecordBuffer();
  const write = async (chunk: Buffer): Promise<void> => {
    if (!output.write(chunk)) await drained(output);
  };
  return {
    async take(texts, sizes, firstLine) {
      for (let i = 0; i < texts.length; i++) {
        const lineNo = firstLine + i;
        const text = texts[i]!;
        const result = text === null ? tooLongLine(lineNo, sizes[i]!, maxLineBytes) : evaluateLine(text, lineNo, pack, options);
        if (result.decided) {
          tally.decided++;
          tally.outcome(outcomeKey(result.outcome), 1);
        } else {
          tally.errors++;
          tally.errorLine(lineNo);
        }
        const full = records.add(result.record);
        if (full) await write(full);
      }
    },
    async finish() {
      if (!records.empty) await write(records.take());
    },
    async close() {},
  };
}

/** Lines per group sent to a worker, and groups in flight per worker (bounds the memory held). */
const GROUP_LINES = 2000;
const GROUPS_PER_WORKER = 3;

/** The worker script beside this module once built (`dist/batch-worker.js`). */
function workerUrl(): URL {
  return new URL('./batch-worker.js', import.meta.url);
}

/** Starts `count` workers and resolves once each has loaded the pack. */
export async function poolSink(
  count: number,
  data: BatchWorkerData,
  output: Writable,
  tally: Tally,
): Promise<LineSink> {
  const workers: Worker[] = [];
  const done = new Map<number, BatchGroupResult>();
  let failure: unknown;
  let wake: (() => void) | undefined;
  let submitted = 0;
  let written = 0;
  let closing = false;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const ready = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(workerUrl(), { workerData: data });
    workers.push(worker);
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready?: boolean; failed?: string }) => (m.ready ? resolve() : reject(new Error(`batch worker: ${m.failed}`))));
        worker.once('error', reject);
      }),
    );
    worker.on('message', (m: BatchGroupResult | { ready: true }) => {
      if ('seq' in m) {
        done.set(m.seq, m);
        signal();
      }
    });
    worker.on('error', (error) => {
      failure ??= error;
      signal();
    });
    worker.on('exit', (code) => {
      if (!closing) failure ??= new Error(`batch worker exited with code ${code} / 批处理工作线程退出`);
      signal();
    });
  }
  const close = async () => {
    closing = true;
    await Promise.all(workers.map((w) => w.terminate()));
  };
  try {
    await Promise.all(ready);
  } catch (error) {
    await close();
    throw error;
  }

  /** Waits for an answer, then writes every answer that is next in order. */
  const progress = async (): Promise<void> => {
    if (!done.has(written) && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
    if (failure !== undefined) throw failure;
    for (let result = done.get(written); result !== undefined; result = done.get(written)) {
      done.delete(written);
      written++;
      tally.decided += result.decided;
      tally.errors += result.errors;
      for (const [key, n] of result.outcomes) tally.outcome(key, n);
      for (const lineNo of result.errorLines) tally.errorLine(lineNo);
      for (const chunk of result.chunks) if (!output.write(chunk)) await drained(output);
    }
  };

  return {
    async take(texts, sizes, firstLine) {
      for (let from = 0; from < texts.length; from += GROUP_LINES) {
        while (submitted - written >= count * GROUPS_PER_WORKER) await progress();
        const group: BatchGroup = {
          seq: submitted,
          firstLine: firstLine + from,
          texts: texts.slice(from, from + GROUP_LINES),
          sizes: sizes.slice(from, from + GROUP_LINES),
        };
        workers[submitted % count]!.postMessage(group);
        submitted++;
      }
    },
    async finish() {
      while (written < submitted) await progress();
    },
    close,
  };
}
