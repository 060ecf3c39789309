/**
 * One record's own check, for its page: its hash against its content (core's `hashRecord`, as the chain's verify
 * computes it), its stored columns against their canonical text, and its link to the record before it. Two
 * records read, so the page stays cheap; the whole chain is walked on the chain page.
 */
import { GENESIS_HASH, hashRecord } from '@aftersales/core/canonical';
import { recordColumns, storedColumnTexts } from '../storage/rows.js';
import type { DecisionRecord, Storage } from '../storage/types.js';

/** A record's check: passed, or the first reason it fails, in both languages. */
export type RecordCheck = { ok: true } | { ok: false; message: { zh: string; en: string } };

/**
 * Checks one record and its link to the previous one.
 *
 * @param storage - the log
 * @param record - the record as stored
 * @returns `{ ok: true }`, or the reason it fails verification
 * @example
 * ```ts
 * const check = await checkRecord(ctx.storage, record);
 * if (!check.ok) console.log(check.message.en);
 * ```
 */
export async function checkRecord(storage: Storage, record: DecisionRecord): Promise<RecordCheck> {
  let actual: string;
  let canonical: string[];
  try {
    const columns = recordColumns(record);
    canonical = [columns.parametersJson, columns.factsJson, columns.outcomeJson, columns.decisionJson];
    actual = hashRecord(record.seq, record.prevHash, record);
  } catch {
    return { ok: false, message: { zh: '记录无法读取', en: 'the record cannot be read' } };
  }
  if (actual !== record.hash) {
    return { ok: false, message: { zh: '记录内容与其哈希不一致：记录已被修改', en: 'the record does not match its hash: it was modified' } };
  }
  const texts = storedColumnTexts(record);
  if (texts && texts.some((t, i) => t !== canonical[i])) {
    return { ok: false, message: { zh: '记录存储的文本不是其规范 JSON 文本：已被改写', en: "the record's stored text is not its canonical JSON: it was rewritten" } };
  }
  const previous = record.seq > 1 ? (await storage.scanChain(record.seq - 2, 1))[0] : undefined;
  const expected = record.seq > 1 ? previous?.hash : GENESIS_HASH;
  if (previous && previous.seq !== record.seq - 1) {
    return { ok: false, message: { zh: `前一条记录（序号 ${record.seq - 1}）缺失`, en: `the previous record (seq ${record.seq - 1}) is missing` } };
  }
  if (expected !== record.prevHash) {
    return { ok: false, message: { zh: '记录的前一哈希与上一条记录的哈希不一致', en: "the record's previous hash does not match the previous record's hash" } };
  }
  return { ok: true };
}
