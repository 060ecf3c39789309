/**
 * Batch evaluation: one decision per input line of a JSONL file, written in input order as it is taken, so that
 * a million claims stream through in constant memory (readline pulls lines only as fast as the output drains).
 * A bad line — not JSON, not an object, facts the pack refuses — yields an error record carrying its line number
 * and the batch goes on. A progress bar is drawn on stderr only when stderr is a terminal; a closing summary
 * gives counts per outcome, errors and throughput.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Pack } from '@aftersales/core';

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
}

const MAX_OUTCOME_KEYS = 100;

/** A short key for an outcome: its primitive top-level fields, `class=major level=2`. */
export function outcomeKey(outcome: unknown): string {
  if (!outcome || typeof outcome !== 'object') return JSON.stringify(outcome);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(outcome)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) parts.push(`${key}=${String(value)}`);
  }
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(outcome).slice(0, 80);
}

function write(stream: Writable, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise((resolve) => stream.once('drain', resolve));
}

/** A plain-object error record body from anything thrown. */
function errorBody(error: unknown): { code: string; message: string; problems: unknown[] } {
  const e = error as { code?: unknown; message?: unknown; problems?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e?.message === 'string' ? e.message : String(error),
    problems: Array.isArray(e?.problems) ? e.problems : [],
  };
}

/**
 * Evaluates every line of a JSONL input and writes one JSON line per input line: the decision, or
 * `{"line": n, "error": {code, message, problems}}`.
 *
 * @param options - the pack, `asOf`, input and output
 * @returns the summary (also printed on stderr)
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
  const input = typeof options.input === 'string' ? createReadStream(options.input) : options.input;
  const lines = createInterface({ input, crlfDelay: Infinity });
  const outcomes: Record<string, number> = {};
  const errorLines: number[] = [];
  let outcomeKeys = 0;
  let lineNo = 0;
  let decided = 0;
  let errors = 0;
  let bytes = 0;
  let lastDraw = 0;
  const tty = stderr.isTTY === true;
  const evaluateOptions = {
    asOf: options.asOf,
    explain: options.explain === true,
    ...(options.parameters ? { parameters: options.parameters } : {}),
  };

  const draw = (final: boolean): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(lineNo / elapsed) : 0;
    const width = 30;
    const fraction = totalBytes ? Math.min(1, bytes / totalBytes) : undefined;
    const bar =
      fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${Math.floor(fraction * 100)}% `;
    stderr.write(`\r${bar}${lineNo.toLocaleString('en-US')} lines, ${errors} errors, ${rate.toLocaleString('en-US')}/s\x1b[K${final ? '\n' : ''}`);
  };

  for await (const line of lines) {
    lineNo++;
    bytes += Buffer.byteLength(line) + 1;
    let record: string;
    try {
      let facts: unknown;
      try {
        facts = JSON.parse(line);
      } catch (error) {
        throw Object.assign(new Error(`line is not JSON: ${(error as Error).message}`), { code: 'INVALID_JSON' });
      }
      const decision = await pack.evaluate(facts, evaluateOptions);
      decided++;
      const key = outcomeKey(decision.outcome);
      if (key in outcomes) outcomes[key]!++;
      else if (outcomeKeys < MAX_OUTCOME_KEYS) {
        outcomes[key] = 1;
        outcomeKeys++;
      } else outcomes.other = (outcomes.other ?? 0) + 1;
      record = JSON.stringify(decision);
    } catch (error) {
      errors++;
      if (errorLines.length < 100) errorLines.push(lineNo);
      record = JSON.stringify({ line: lineNo, error: errorBody(error) });
    }
    const pending = write(output, `${record}\n`);
    if (pending) await pending;
    if (tty && (lineNo & 255) === 0) {
      const now = performance.now();
      if (now - lastDraw > 100) {
        lastDraw = now;
        draw(false);
      }
    }
  }
  if (tty) draw(true);
  const seconds = (performance.now() - started) / 1000;
  const summary: BatchSummary = {
    lines: lineNo,
    decided,
    errors,
    outcomes,
    errorLines,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: seconds > 0 ? Math.round(lineNo / seconds) : lineNo,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  return summary;
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
    `batch: ${n(summary.lines)} lines, ${n(summary.decided)} decided, ${n(summary.errors)} errors in ${summary.seconds} s (${n(summary.perSecond)} lines/s, peak RSS ${summary.peakRssMiB} MiB)`,
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
