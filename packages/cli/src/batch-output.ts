/**
 * The batch's output: records encoded straight into fixed-size UTF-8 buffers, writes that wait for the stream to
 * drain (and fail, never hang, when it closes), and the output file opened before anything is read (refused when
 * it is the input itself).
 */
import { createWriteStream, openSync, statSync } from 'node:fs';
import { inputAt } from './input-files.js';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';

/** Records are encoded into buffers of this size, each written once full. */
export const WRITE_CHUNK_BYTES = 256 * 1024;

/** Resolves when `stream` drains; rejects if it fails or closes first (so a broken output cannot hang the batch). */
export function drained(stream: Writable): Promise<void> {
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
  const readBefore = inputAt(outputPath);
  if (readBefore !== undefined) {
    throw new BatchOutputError('SAME_FILE', `--output ${outputPath} is the input ${readBefore}: writing it would replace the input / 输出文件就是输入文件，拒绝覆盖`, outputPath);
  }
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
