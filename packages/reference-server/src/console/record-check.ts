/**
 * One record's own check, for its page: the chain walk's per-row check (chain.ts `checkStoredRow`: its hash
 * against its content for either format, its stored JSON against its canonical text) and its link to the record
 * before it. Two rows read, so the page stays cheap; the whole chain is walked on the chain page.
 */
import { GENESIS_HASH } from '@aftersales/core/canonical';
import { checkStoredRow } from '../chain.js';
import type { DecisionRecord, Storage } from '../storage/types.js';

/** A record's check: passed, or the first reason it fails, in both languages. */
export type RecordCheck = { ok: true } | { ok: false; message: { zh: string; en: string } };

/**
 * Checks one record (as stored, either format) and its link to the previous one, with the chain walk's own
 * per-row check.
 *
 * @param storage - the log
 * @param record - the record as read
 * @returns `{ ok: true }`, or the reason it fails verification
 * @example
 * ```ts
 * const check = await checkRecord(ctx.storage, record);
 * if (!check.ok) console.log(check.message.en);
 * ```
 */
export async function checkRecord(storage: Storage, record: DecisionRecord): Promise<RecordCheck> {
  const rows = await storage.scanRows(Math.max(0, record.seq - 2), record.seq > 1 ? 2 : 1);
  const row = rows.find((r) => Number(r.seq) === record.seq);
  if (!row) return { ok: false, message: { zh: '记录无法读取', en: 'the record cannot be read' } };
  const previous = record.seq > 1 ? rows.find((r) => Number(r.seq) === record.seq - 1) : undefined;
  if (record.seq > 1 && !previous) {
    return { ok: false, message: { zh: `前一条记录（序号 ${record.seq - 1}）缺失`, en: `the previous record (seq ${record.seq - 1}) is missing` } };
  }
  const head = previous ? { seq: record.seq - 1, hash: previous.hash } : { seq: record.seq - 1, hash: GENESIS_HASH };
  const found = checkStoredRow(head, row);
  return found ? { ok: false, message: found.message } : { ok: true };
}
