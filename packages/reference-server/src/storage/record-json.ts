/**
 * The JSON text of a decision record, serialised once. The decision route already serialises the decision for
 * its response; it builds the record's text from that same string and attaches it here, so the SQLite writer
 * (which posts records to its thread as JSON text) does not serialise the ~3 KB decision a second time. The text
 * is kept in a WeakMap beside the record (the record itself is unchanged); a record without one is serialised
 * with `JSON.stringify`, so the text is always what `JSON.stringify(record)` would give, up to key order.
 */
import type { NewLogRow } from './types.js';

const texts = new WeakMap<NewLogRow, string>();

/**
 * Attaches a record's JSON text (it must parse to the same value as `JSON.stringify(record)`).
 *
 * @returns the record
 * @example
 * ```ts
 * const record = withRecordJson(r, JSON.stringify(r));
 * ```
 */
export function withRecordJson(record: NewLogRow, json: string): NewLogRow {
  texts.set(record, json);
  return record;
}

/**
 * A record's JSON text: the attached one, else `JSON.stringify(record)`.
 *
 * @example
 * ```ts
 * recordJson(r) // '{"decisionId":"…",…}'
 * ```
 */
export function recordJson(record: NewLogRow): string {
  return texts.get(record) ?? JSON.stringify(record);
}

/**
 * The JSON array text of records, in order (what `JSON.stringify(records)` gives, up to key order).
 *
 * @example
 * ```ts
 * recordsJson([r]) // '[{"decisionId":"…",…}]'
 * ```
 */
export function recordsJson(records: NewLogRow[]): string {
  if (records.length === 1) return `[${recordJson(records[0] as NewLogRow)}]`;
  return `[${records.map(recordJson).join(',')}]`;
}
