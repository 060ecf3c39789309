/**
 * One JSONL line to one record: the decision as JSON, or the line's error record `{"line": n, "error": ...}`
 * (an empty line, a line too long, a line that is not JSON, facts the pack refuses). Never throws.
 */
import { ERROR_MESSAGES, toErrorBody, type Decision, type ErrorBody, type ErrorCode, type Pack } from '@aftersales/core';
import type { LineOptions, LineResult } from './batch-types.js';

/** A short key for an outcome: its primitive top-level fields, `class=major level=2`. */
export function outcomeKey(outcome: unknown): string {
  if (!outcome || typeof outcome !== 'object') return JSON.stringify(outcome);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(outcome)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}=${String(value)}`);
  }
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(outcome).slice(0, 80);
}

/** The listed fields of a decision, in the order listed. */
function pick(decision: Decision, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = (decision as unknown as Record<string, unknown>)[field];
  return out;
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
 * @param options - the evaluation options (`asOf`, `parameters`, `explain`) and the `fields` the record keeps (default all)
 * @returns the record and whether the line was decided (with the outcome) or refused (with the error code)
 * @example
 * ```ts
 * const r = evaluateLine('{"claimAmountYuan": 60000}', 1, pack, { asOf: '2026-01-15T10:00:00+08:00', explain: false });
 * r.decided && r.outcome // { class: 'major', level: 2 }
 * ```
 */
export function evaluateLine(text: string, lineNo: number, pack: Pack, options: LineOptions): LineResult {
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
    record = JSON.stringify(options.fields === undefined ? decision : pick(decision, options.fields));
  } catch (error) {
    const body = toErrorBody(error);
    return { record: errorRecord(lineNo, body), decided: false, code: body.code };
  }
  return { record, decided: true, outcome: decision.outcome };
}
