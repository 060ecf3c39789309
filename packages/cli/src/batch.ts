/**
 * Batch evaluation: one record per input line of a JSONL file, written in input order, so that a million claims
 * stream through in bounded memory. The input is read in large buffers and split on `\n` here (no per-line
 * promise); each line is decided with the pack's synchronous compiled path (`evaluateSync`) and the records are
 * written in chunks of a few hundred kilobytes, waiting for the output to drain whenever it asks to. A bad line —
 * empty, too long, not JSON, facts the pack refuses — yields an error record carrying its line number, and the
 * batch goes on. A progress bar is drawn on stderr only when stderr is a terminal; a closing summary gives counts
 * per outcome, errors and throughput.
 *
 * Lines are split by {@link LineSplitter} (line-splitter.ts), decided by {@link evaluateLine} (batch-line.ts) on
 * the calling thread or in worker threads (batch-sinks.ts), and written through {@link RecordBuffer}
 * (batch-output.ts).
 */
import { createReadStream, statSync } from 'node:fs';
import { poolSink, sequentialSink, Tally } from './batch-sinks.js';
import { DEFAULT_MAX_LINE_BYTES, type BatchOptions, type BatchSummary, type LineOptions } from './batch-types.js';
import { LineSplitter } from './line-splitter.js';

export type { BatchErrorRecord, BatchGroup, BatchGroupResult, BatchOptions, BatchSummary, BatchWorkerData, LineResult } from './batch-types.js';
export { DEFAULT_MAX_LINE_BYTES } from './batch-types.js';
export { evaluateLine, outcomeKey, tooLongLine } from './batch-line.js';
export { BatchOutputError, openBatchOutput, RecordBuffer } from './batch-output.js';
export { LineSplitter } from './line-splitter.js';

/** Input read size for files. */
const READ_CHUNK_BYTES = 1024 * 1024;

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
  const evaluateOptions: LineOptions = {
    asOf: options.asOf,
    explain: options.explain === true || options.fields?.includes('explanation') === true,
    ...(options.fields ? { fields: options.fields } : {}),
    ...(options.parameters ? { parameters: options.parameters } : {}),
  };
  // A pack that requires others can go to workers only with their documents.
  const documents = options.documents ?? (pack.requiresDeep().size === 0 ? [pack.document] : undefined);
  const workers = documents ? Math.max(1, Math.floor(options.workers ?? 1)) : 1;
  const sink =
    workers > 1
      ? await poolSink(workers, { documents: documents!, packId: pack.id, packHash: pack.packHash, evaluateOptions, maxLineBytes, ...(pack.calendar ? { calendar: pack.calendar } : {}) }, output, tally)
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

/** Deepest nesting of a facts file the CLI reads. */
export const MAX_INPUT_DEPTH = 1000;
