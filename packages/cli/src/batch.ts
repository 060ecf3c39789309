/**
 * Batch evaluation: one record per input line of a JSONL file, written in input order, so that a million claims
 * stream through in bounded memory. The input is read in large buffers and split on `\n` here (no per-line
 * promise); each line is decided with the pack's synchronous compiled path (`evaluateSync`) and the records are
 * written in chunks of a few hundred kilobytes, waiting for the output to drain whenever it asks to. A bad line —
 * empty, too long, not JSON, facts the pack refuses — yields an error record carrying its line number, and the
 * batch goes on. A progress bar is drawn on stderr only when stderr is a terminal; a closing summary gives counts
 * per outcome, errors and throughput.
 *
 * Lines: a line ends at `\n`; one `\r` before it is dropped (CRLF files read like LF files), a lone `\r` is not a
 * line break. A UTF-8 byte-order mark at the start of the input is ignored. The final `\n` of a file does not
 * start another line, but every other line counts, blank ones included: a line that is empty or holds only spaces
 * and tabs gets an `EMPTY_LINE` error record, so output line n always answers input line n.
 */
import { createReadStream, createWriteStream, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ERROR_MESSAGES, toErrorBody, type Decision, type ErrorBody, type ErrorCode, type EvaluateOptions, type Pack } from '@aftersales/core';

/** Options of a batch run. */
export interface BatchOptions {
  pack: Pack;
  asOf: string;
  parameters?: Record<string, unknown>;
  /** Include each decision's explanation (default false: batches are about outcomes). */
  explain?: boolean;
  /** The input: a file path, or a stream (stdin). */
  input: string | Readable;
  output: Writable;
  /** Where progress and the summary go. */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Longest line accepted, in bytes without its line break (default {@link DEFAULT_MAX_LINE_BYTES}). */
  maxLineBytes?: number;
  /**
   * Worker threads deciding lines (default 1: decided on the calling thread). With more than one, groups of lines
   * are decided in parallel and written in input order; the output is byte-identical. Needs the built package
   * (the worker is `dist/batch-worker.js`) and, for a pack that requires others, `documents`.
   */
  workers?: number;
  /** The documents of the pack and of every pack it requires, for the workers to load (default: the pack's own). */
  documents?: unknown[];
}

/** What a batch did. */
export interface BatchSummary {
  lines: number;
  decided: number;
  errors: number;
  /** Decisions per outcome (primitive outcome fields, `class=major level=2`); at most 100 keys, then `other`. */
  outcomes: Record<string, number>;
  /** The line numbers of the first 100 errors. */
  errorLines: number[];
  seconds: number;
  perSecond: number;
  /** The process's peak resident set size in MiB. */
  peakRssMiB: number;
  /** Worker threads that decided the lines (1: the calling thread). */
  workers: number;
}

/** The error record of a line that was not decided. */
export interface BatchErrorRecord {
  line: number;
  /** Core's one error body: code, message in Chinese and English, problems. */
  error: ErrorBody;
}

/** What one line gave: the JSON record to write (without its line break), and the decision's outcome if decided. */
export type LineResult = { record: string; decided: true; outcome: unknown } | { record: string; decided: false; code: string };

/** What a worker is started with (internal). */
export interface BatchWorkerData {
  documents: unknown[];
  packId: string;
  packHash: string;
  evaluateOptions: EvaluateOptions;
  maxLineBytes: number;
}

/** A group of consecutive lines sent to a worker (internal); `null` texts are lines too long, with their sizes. */
export interface BatchGroup {
  seq: number;
  firstLine: number;
  texts: Array<string | null>;
  sizes: number[];
}

/** A worker's answer for a group (internal): the records as UTF-8 buffers and the group's counts. */
export interface BatchGroupResult {
  seq: number;
  chunks: Uint8Array[];
  decided: number;
  errors: number;
  errorLines: number[];
  /** Outcome keys with their counts, in the order first seen. */
  outcomes: Array<[string, number]>;
}

/** Default longest line: 8 MiB, far beyond any claim, small enough that one hostile line cannot exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

const MAX_OUTCOME_KEYS = 100;
/** Records are encoded into buffers of this size, each written once full. */
const WRITE_CHUNK_BYTES = 256 * 1024;
/** Input read size for files. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** A short key for an outcome: its primitive top-level fields, `class=major level=2`. */
export function outcomeKey(outcome: unknown): string {
  if (!outcome || typeof outcome !== 'object') return JSON.stringify(outcome);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(outcome)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}=${String(value)}`);
  }
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(outcome).slice(0, 80);
}

/** A line's own error (not the pack's): the catalogue's Chinese, the particular English, one problem. */
function lineError(code: ErrorCode, zh: string, en: string): ErrorBody {
  return { code, message: { zh: `${ERROR_MESSAGES[code].zh}${zh}`, en }, problems: [{ path: '', message: en, code }] };
}

/** The error record of a line, as JSON; never throws (a body that does not serialise is replaced). */
function errorRecord(lineNo: number, body: ErrorBody): string {
  try {
    return JSON.stringify({ line: lineNo, error: body });
  } catch (error) {
    const en = `${body.code} (details not serialisable: ${String((error as Error)?.message)})`;
    return JSON.stringify({ line: lineNo, error: { code: body.code, message: { zh: body.message.zh, en }, problems: [] } });
  }
}

/**
 * A record for a line longer than the limit (its bytes were skipped, never held in memory).
 *
 * @param lineNo - the 1-based line number
 * @param bytes - the line's length in bytes
 * @param limit - the limit in bytes
 * @returns the line's result (an `LINE_TOO_LONG` error record)
 * @example
 * ```ts
 * tooLongLine(7, 9_000_000, 8_388_608).record // '{"line":7,"error":{"code":"LINE_TOO_LONG",...}}'
 * ```
 */
export function tooLongLine(lineNo: number, bytes: number, limit: number): LineResult {
  const body = lineError('LINE_TOO_LONG', `：${bytes} 字节，上限 ${limit} 字节`, `line is ${bytes} bytes, longer than the limit of ${limit}`);
  return { record: errorRecord(lineNo, body), decided: false, code: 'LINE_TOO_LONG' };
}

/** Whether a line holds nothing but JSON blanks other than line breaks (spaces, tabs, a stray `\r`). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/**
 * Decides one JSONL line: the decision as JSON, or the error record `{"line": n, "error": {code, message: {zh, en},
 * problems}}`. Never throws: whatever the line holds, the result is one record. The line is taken as split by
 * {@link LineSplitter} (no line break; `\r` and a byte-order mark already removed).
 *
 * @param text - the line's text
 * @param lineNo - its 1-based line number, for the error record
 * @param pack - the pack deciding it
 * @param options - the evaluation options (`asOf`, `parameters`, `explain`)
 * @returns the record and whether the line was decided (with the outcome) or refused (with the error code)
 * @example
 * ```ts
 * const r = evaluateLine('{"claimAmountYuan": 60000}', 1, pack, { asOf: '2026-01-15T10:00:00+08:00', explain: false });
 * r.decided && r.outcome // { class: 'major', level: 2 }
 * ```
 */
export function evaluateLine(text: string, lineNo: number, pack: Pack, options: EvaluateOptions): LineResult {
  const first = text.length === 0 ? 0x20 : text.charCodeAt(0);
  if ((first === 0x20 || first === 0x09 || first === 0x0d) && isBlank(text)) {
    return { record: errorRecord(lineNo, lineError('EMPTY_LINE', '', 'line is empty')), decided: false, code: 'EMPTY_LINE' };
  }
  let facts: unknown;
  try {
    facts = JSON.parse(text);
  } catch (error) {
    const body = lineError('INVALID_JSON', '', `line is not JSON: ${String((error as Error)?.message)}`);
    return { record: errorRecord(lineNo, body), decided: false, code: 'INVALID_JSON' };
  }
  let decision: Decision;
  let record: string;
  try {
    decision = pack.evaluateSync(facts, options);
    record = JSON.stringify(decision);
  } catch (error) {
    const body = toErrorBody(error);
    return { record: errorRecord(lineNo, body), decided: false, code: body.code };
  }
  return { record, decided: true, outcome: decision.outcome };
}

/**
 * Splits a byte stream into lines at `\n` (see the module comment for `\r`, the byte-order mark and blank lines).
 * Chunks may break anywhere, inside a line or a UTF-8 character: a line is decoded only once whole. A line longer
 * than `maxLineBytes` is not kept: its bytes are counted and dropped, and it is handed on as `null` with its length.
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter(1024);
 * splitter.push(Buffer.from('{"a":1}\r\n{"a"'), (text, n) => console.log(n, text)); // 1 {"a":1}
 * splitter.push(Buffer.from(':2}\n'), (text, n) => console.log(n, text));            // 2 {"a":2}
 * splitter.end((text, n) => console.log(n, text));                                    // (nothing: the file ended with \n)
 * ```
 */
export class LineSplitter {
  /** Lines handed on so far. */
  lineNo = 0;
  #carry: Buffer[] = [];
  #carryBytes = 0;
  /** Bytes of the current line already dropped because it is too long (-1: not dropping). */
  #overflow = -1;
  #first = true;

  /** @param maxLineBytes - longest line kept, in bytes without its line break */
  constructor(readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /**
   * Takes the next chunk of input and hands on each line it completes.
   *
   * @param chunk - the bytes
   * @param onLine - called with the line's text (or `null` when too long), its number and its length in bytes
   */
  push(chunk: Buffer, onLine: (text: string | null, lineNo: number, bytes: number) => void): void {
    let start = 0;
    let nl = chunk.indexOf(10);
    if (this.#carryBytes > 0 || this.#overflow >= 0) {
      // A line begun in an earlier chunk.
      if (nl < 0) {
        this.#hold(chunk, 0, chunk.length);
        return;
      }
      this.#hold(chunk, 0, nl);
      this.#emitCarry(onLine);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    while (nl >= 0) {
      this.#emit(chunk, start, nl, onLine);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.#hold(chunk, start, chunk.length);
  }

  /**
   * Hands on the last line when the input did not end with a line break.
   *
   * @param onLine - as for {@link LineSplitter.push}
   */
  end(onLine: (text: string | null, lineNo: number, bytes: number) => void): void {
    if (this.#carryBytes > 0 || this.#overflow >= 0) this.#emitCarry(onLine);
  }

  #hold(chunk: Buffer, from: number, to: number): void {
    const bytes = to - from;
    if (this.#overflow >= 0) {
      this.#overflow += bytes;
      return;
    }
    // Room for a `\r` and a byte-order mark, which do not count: the exact length is checked when the line ends.
    if (this.#carryBytes + bytes > this.maxLineBytes + 4) {
      this.#overflow = this.#carryBytes + bytes;
      this.#carry = [];
      this.#carryBytes = 0;
      return;
    }
    if (bytes > 0) {
      // A copy: the carry must not pin the whole (large) chunk it came from.
      this.#carry.push(Buffer.from(chunk.subarray(from, to)));
      this.#carryBytes += bytes;
    }
  }

  #emitCarry(onLine: (text: string | null, lineNo: number, bytes: number) => void): void {
    if (this.#overflow >= 0) {
      const bytes = this.#overflow;
      this.#overflow = -1;
      this.#first = false;
      onLine(null, ++this.lineNo, bytes);
      return;
    }
    const whole = this.#carry.length === 1 ? this.#carry[0]! : Buffer.concat(this.#carry, this.#carryBytes);
    this.#carry = [];
    this.#carryBytes = 0;
    this.#emit(whole, 0, whole.length, onLine);
  }

  #emit(buffer: Buffer, from: number, to: number, onLine: (text: string | null, lineNo: number, bytes: number) => void): void {
    let end = to;
    if (end > from && buffer[end - 1] === 0x0d) end--;
    if (this.#first) {
      this.#first = false;
      if (end - from >= 3 && buffer[from] === 0xef && buffer[from + 1] === 0xbb && buffer[from + 2] === 0xbf) from += 3;
    }
    const bytes = end - from;
    if (bytes > this.maxLineBytes) onLine(null, ++this.lineNo, bytes);
    else onLine(buffer.toString('utf8', from, end), ++this.lineNo, bytes);
  }
}

/** Resolves when `stream` drains; rejects if it fails or closes first (so a broken output cannot hang the batch). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (error: unknown) => done(error ?? new Error('output failed'));
    const onClose = () => done(Object.assign(new Error('output closed before the batch ended / 输出在批处理结束前已关闭'), { code: 'EPIPE' }));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** The counts of a batch, merged line by line or group by group in input order. */
class Tally {
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
interface LineSink {
  take(texts: Array<string | null>, sizes: number[], firstLine: number): Promise<void>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Records encoded as UTF-8 straight into fixed-size buffers (no joined string, no second copy); a full buffer is
 * handed out to be written and a fresh one started, since the stream keeps the one it was given. Every buffer owns
 * its memory (never Node's shared pool), so a worker can transfer it.
 *
 * @example
 * ```ts
 * const records = new RecordBuffer(1024);
 * const full = records.add('{"line":1,"error":{...}}'); // a Buffer to write once 1,024 bytes are reached
 * const rest = records.take();
 * ```
 */
export class RecordBuffer {
  #buffer: Buffer;
  #used = 0;

  /** @param size - bytes per buffer */
  constructor(readonly size: number = WRITE_CHUNK_BYTES) {
    this.#buffer = Buffer.allocUnsafeSlow(size);
  }

  /**
   * Adds a record and its line break.
   *
   * @param record - the record's JSON
   * @returns a buffer to write when the current one had no room left (a record larger than a buffer comes alone)
   */
  add(record: string): Buffer | undefined {
    // At most 3 bytes per UTF-16 unit (a lone surrogate is written as U+FFFD), and the \n.
    const most = record.length * 3 + 1;
    let full: Buffer | undefined;
    if (this.#used + most > this.size) {
      if (most > this.size) {
        // Alone, after what was held, in a buffer of its own.
        const alone = Buffer.allocUnsafeSlow(this.#used + most);
        this.#buffer.copy(alone, 0, 0, this.#used);
        let used = this.#used + alone.write(record, this.#used, 'utf8');
        alone[used++] = 0x0a;
        this.#used = 0;
        return alone.subarray(0, used);
      }
      full = this.take();
    }
    this.#used += this.#buffer.write(record, this.#used, 'utf8');
    this.#buffer[this.#used++] = 0x0a;
    return full;
  }

  /** The records held so far (empty if none), starting a fresh buffer. */
  take(): Buffer {
    const out = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafeSlow(this.size);
    this.#used = 0;
    return out;
  }

  /** Whether no record is held. */
  get empty(): boolean {
    return this.#used === 0;
  }
}

/** Decides on the calling thread, writing the records in buffers of {@link WRITE_CHUNK_BYTES}. */
function sequentialSink(pack: Pack, options: EvaluateOptions, maxLineBytes: number, output: Writable, tally: Tally): LineSink {
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
async function poolSink(
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

/**
 * Evaluates every line of a JSONL input and writes one JSON line per input line, in order: the decision, or
 * `{"line": n, "error": {code, message, problems}}` (codes: `EMPTY_LINE`, `LINE_TOO_LONG`, `INVALID_JSON`, and the
 * pack's own: `INVALID_FACTS`, `NOT_EFFECTIVE`, …).
 *
 * @param options - the pack, `asOf`, input and output; `maxLineBytes` (default 8 MiB); `workers` (default 1)
 * @returns the summary (the caller prints it, see {@link formatSummary})
 * @throws the input's or the output's I/O error (a missing file, a closed pipe), or a worker that failed to start
 * @example
 * ```ts
 * const summary = await runBatch({ pack, asOf: '2026-01-15T10:00:00+08:00', input: 'claims.jsonl',
 *   output: createWriteStream('decisions.jsonl'), stderr: process.stderr });
 * ```
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const { pack, output, stderr } = options;
  const started = performance.now();
  const totalBytes = typeof options.input === 'string' ? statSync(options.input).size : undefined;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const splitter = new LineSplitter(maxLineBytes);
  const tally = new Tally();
  let bytes = 0;
  let lastDraw = 0;
  const tty = stderr.isTTY === true;
  const evaluateOptions: EvaluateOptions = {
    asOf: options.asOf,
    explain: options.explain === true,
    ...(options.parameters ? { parameters: options.parameters } : {}),
  };
  // A pack that requires others can go to workers only with their documents.
  const documents = options.documents ?? (pack.requiresDeep().size === 0 ? [pack.document] : undefined);
  const workers = documents ? Math.max(1, Math.floor(options.workers ?? 1)) : 1;
  const sink =
    workers > 1
      ? await poolSink(workers, { documents: documents!, packId: pack.id, packHash: pack.packHash, evaluateOptions, maxLineBytes }, output, tally)
      : sequentialSink(pack, evaluateOptions, maxLineBytes, output, tally);

  // Lines of the current chunk, handed to the sink together.
  let texts: Array<string | null> = [];
  let sizes: number[] = [];
  const collect = (text: string | null, _lineNo: number, size: number): void => {
    texts.push(text);
    sizes.push(size);
  };
  const hand = async (): Promise<void> => {
    if (texts.length === 0) return;
    const firstLine = splitter.lineNo - texts.length + 1;
    const batch = texts;
    const batchSizes = sizes;
    texts = [];
    sizes = [];
    await sink.take(batch, batchSizes, firstLine);
  };

  const draw = (final: boolean): void => {
    const elapsed = (performance.now() - started) / 1000;
    const lineNo = splitter.lineNo;
    const rate = elapsed > 0 ? Math.round(lineNo / elapsed) : 0;
    const width = 30;
    const fraction = totalBytes ? Math.min(1, bytes / totalBytes) : undefined;
    const bar =
      fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${Math.floor(fraction * 100)}% `;
    stderr.write(`\r${bar}${lineNo.toLocaleString('en-US')} lines, ${tally.errors} errors, ${rate.toLocaleString('en-US')}/s\x1b[K${final ? '\n' : ''}`);
  };

  try {
    const input = typeof options.input === 'string' ? createReadStream(options.input, { highWaterMark: READ_CHUNK_BYTES }) : options.input;
    for await (const chunk of input) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      bytes += buffer.length;
      splitter.push(buffer, collect);
      await hand();
      if (tty) {
        const now = performance.now();
        if (now - lastDraw > 100) {
          lastDraw = now;
          draw(false);
        }
      }
    }
    splitter.end(collect);
    await hand();
    await sink.finish();
  } finally {
    await sink.close();
  }
  if (tty) draw(true);
  const seconds = (performance.now() - started) / 1000;
  const lines = splitter.lineNo;
  return {
    lines,
    decided: tally.decided,
    errors: tally.errors,
    outcomes: tally.outcomes,
    errorLines: tally.errorLines,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: seconds > 0 ? Math.round(lines / seconds) : lines,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    workers,
  };
}

/**
 * The closing summary in words (English and Chinese), for stderr.
 *
 * @example
 * ```ts
 * process.stderr.write(formatSummary(summary));
 * ```
 */
export function formatSummary(summary: BatchSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `batch: ${n(summary.lines)} lines, ${n(summary.decided)} decided, ${n(summary.errors)} errors in ${summary.seconds} s (${n(summary.perSecond)} lines/s, peak RSS ${summary.peakRssMiB} MiB${summary.workers > 1 ? `; ${summary.workers} worker threads` : ''})`,
    `批处理：${n(summary.lines)} 行，${n(summary.decided)} 行已判定，${n(summary.errors)} 行出错，用时 ${summary.seconds} 秒（每秒 ${n(summary.perSecond)} 行）`,
    'outcomes / 结果:',
    ...Object.entries(summary.outcomes)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([key, count]) => `  ${key}: ${n(count)}`),
  ];
  if (summary.errors > 0) {
    lines.push(
      `errors on lines / 出错的行: ${summary.errorLines.join(', ')}${summary.errors > summary.errorLines.length ? ', …' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A batch's output cannot be opened, or is its own input: nothing was read or written (exit 2). */
export class BatchOutputError extends Error {
  readonly code: 'SAME_FILE' | 'OUTPUT_UNWRITABLE';
  readonly problems: Array<{ path: string; message: string; code: string; found?: string }>;
  constructor(code: 'SAME_FILE' | 'OUTPUT_UNWRITABLE', message: string, found: string) {
    super(message);
    this.name = 'BatchOutputError';
    this.code = code;
    this.problems = [{ path: '/output', message, code, found }];
  }
}

/**
 * Opens a batch's output file before anything is read: refuses an output that is the input itself (the same
 * file, through any path or link — truncating it would destroy the claims before they are read), and turns an
 * output that cannot be opened (a missing folder, a directory, no permission) into a typed error instead of a
 * stream error after the run has started.
 *
 * @param inputPath - the input file (undefined for stdin)
 * @param outputPath - the output file
 * @returns a write stream on the opened file
 * @throws BatchOutputError `SAME_FILE` or `OUTPUT_UNWRITABLE`; the input is untouched either way
 * @example
 * ```ts
 * const output = openBatchOutput('claims.jsonl', 'decisions.jsonl');
 * ```
 */
export function openBatchOutput(inputPath: string | undefined, outputPath: string): Writable {
  if (inputPath !== undefined) {
    let same = resolve(inputPath) === resolve(outputPath);
    try {
      const a = statSync(inputPath);
      const b = statSync(outputPath);
      same ||= a.dev === b.dev && a.ino === b.ino;
    } catch {
      // The output does not exist yet (or the input cannot be read: the run reports that itself).
    }
    if (same) {
      throw new BatchOutputError(
        'SAME_FILE',
        `--output ${outputPath} is the input file: writing it would erase the claims before they are read / 输出文件与输入文件相同，写入会清空输入`,
        outputPath,
      );
    }
  }
  let fd: number;
  try {
    fd = openSync(outputPath, 'w');
  } catch (error) {
    const e = error as { code?: string; message?: string };
    throw new BatchOutputError('OUTPUT_UNWRITABLE', `--output ${outputPath}: cannot be written (${e.code ?? e.message ?? 'error'}) / 无法写入输出文件`, outputPath);
  }
  return createWriteStream(outputPath, { fd });
}

/** Deepest nesting of a facts file the CLI reads. */
export const MAX_INPUT_DEPTH = 1000;
