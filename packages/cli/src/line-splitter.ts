/**
 * Input bytes to lines: a line ends at `\n`; one `\r` before it is dropped (CRLF files read like LF files), a
 * lone `\r` is not a line break. A UTF-8 byte-order mark at the start of the input is ignored. The final `\n` of a
 * file does not start another line, but every other line counts, blank ones included.
 */
import { DEFAULT_MAX_LINE_BYTES } from './batch-types.js';

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
