/**
 * The hash chain of the decision log. A record's hash is core's {@link hashRecord}: the SHA-256 of the canonical
 * JSON (core's `canonicalJson`, RFC 8785) of everything an auditor relies on — its place in the chain, the previous
 * record's hash, the pack, version, pack hash, `asOf`, parameters, (masked) facts, outcome and the whole decision —
 * so editing, removing or reordering any stored record breaks the chain at that record. {@link linkRecords} is the
 * one linker both storages call inside the transaction that holds the chain head; verification walks the log from
 * the first record and reports the first one that does not match.
 */
// The canonical entry alone: the SQLite writer thread imports this module and must start in milliseconds.
import { GENESIS_HASH, hashRecord } from '@aftersales/core/canonical';
import { recordColumns, storedColumnTexts, type RecordColumns } from './storage/rows.js';
import type { DecisionRecord, NewDecisionRecord, Storage } from './storage/types.js';

export { GENESIS_HASH };

/**
 * Links new records onto a chain head: assigns sequence numbers and hashes ({@link hashRecord}). Both storages
 * call it inside the transaction that holds the head, so the chain stays linear even when several processes share
 * one database.
 *
 * @param head - the last stored record's seq and hash, or undefined for an empty log
 * @param records - the records to append, in order
 * @returns the records with `seq`, `prevHash` and `hash`
 * @example
 * ```ts
 * const linked = linkRecords({ seq: 41, hash: 'sha256:…' }, [record]);
 * linked[0].seq; // 42
 * ```
 */
export function linkRecords(
  head: { seq: number; hash: string } | undefined,
  records: NewDecisionRecord[],
): DecisionRecord[] {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return records.map((record) => {
    seq += 1;
    const hash = hashRecord(seq, prevHash, record);
    const linked: DecisionRecord = { ...record, seq, prevHash, hash };
    prevHash = hash;
    return linked;
  });
}

/** Why verification stopped at a record. */
export type BrokenReason =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'sequence-gap'
  | 'unreadable'
  | 'not-canonical'
  | 'truncated'
  | 'head-mismatch';

/** A chain head an auditor recorded earlier (`GET /v1/audit/head`), checked against the log as it is now. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The result of walking the chain. */
export type VerifyResult =
  | { ok: true; records: number; head: string }
  | {
      ok: false;
      /** Records checked before the broken one. */
      records: number;
      firstBroken: {
        seq: number;
        decisionId: string;
        reason: BrokenReason;
        message: { zh: string; en: string };
        expected?: string;
        found?: string;
      };
    };

/**
 * Walks the whole log in pages and checks each record's sequence, link and hash, that each stored JSON column is
 * its own canonical text (another spacing or a duplicate key breaks it even when the parsed value hashes the
 * same), and, when heads are given, that the log still reaches each of them with the same hash (a log cut below
 * a recorded head, or rewritten under it, is reported).
 *
 * @param storage - the log to check
 * @param options - `pageSize` (default 1000); `heads`: recorded heads the log must still hold
 * @returns `{ ok: true, records, head }` or the first broken record
 * @throws StorageUnavailableError when the database cannot be read
 * @example
 * ```ts
 * const result = await verifyChain(storage, { heads: [{ seq: 42, hash: 'sha256:…' }] });
 * if (!result.ok) console.error(result.firstBroken);
 * ```
 */
export async function verifyChain(storage: Storage, options: { pageSize?: number; heads?: ChainHead[] } | number = {}): Promise<VerifyResult> {
  const { pageSize = 1000, heads = [] } = typeof options === 'number' ? { pageSize: options } : options;
  const wanted = new Map<number, string[]>();
  for (const h of heads) wanted.set(h.seq, [...(wanted.get(h.seq) ?? []), h.hash]);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await storage.scanChain(expectedSeq - 1, pageSize);
    if (page.length === 0) {
      const beyond = heads.filter((h) => h.seq > checked).sort((a, b) => a.seq - b.seq)[0];
      if (beyond) {
        return {
          ok: false,
          records: checked,
          firstBroken: {
            seq: beyond.seq,
            decisionId: '',
            reason: 'truncated',
            message: {
              zh: `日志只有 ${checked} 条记录，短于已记录的链头（序号 ${beyond.seq}）：末尾的记录已被删除`,
              en: `the log holds ${checked} records, fewer than a recorded head (seq ${beyond.seq}): records at its end were removed`,
            },
            expected: `${beyond.seq}:${beyond.hash}`,
            found: `${checked}:${prevHash}`,
          },
        };
      }
      return { ok: true, records: checked, head: prevHash };
    }
    for (const record of page) {
      if (record.seq !== expectedSeq) {
        return broken(checked, record, 'sequence-gap', {
          zh: `序号不连续：应为 ${expectedSeq}，实为 ${record.seq}`,
          en: `sequence gap: expected ${expectedSeq}, found ${record.seq}`,
        }, String(expectedSeq), String(record.seq));
      }
      if (record.prevHash !== prevHash) {
        return broken(checked, record, 'prev-hash-mismatch', {
          zh: '记录的前一哈希与上一条记录的哈希不一致',
          en: "the record's previous hash does not match the previous record's hash",
        }, prevHash, record.prevHash);
      }
      let actual: string;
      let columns: RecordColumns;
      try {
        columns = recordColumns(record);
        actual = hashRecord(record.seq, record.prevHash, record);
      } catch {
        return broken(checked, record, 'unreadable', { zh: '记录无法读取', en: 'the record cannot be read' });
      }
      if (actual !== record.hash) {
        return broken(checked, record, 'hash-mismatch', {
          zh: '记录内容与其哈希不一致：记录已被修改',
          en: 'the record does not match its hash: it was modified',
        }, record.hash, actual);
      }
      const texts = storedColumnTexts(record);
      if (texts) {
        const canonical = [columns.parametersJson, columns.factsJson, columns.outcomeJson, columns.decisionJson];
        const names = ['parameters', 'facts', 'outcome', 'decision'];
        const at = texts.findIndex((t, i) => t !== canonical[i]);
        if (at >= 0) {
          return broken(checked, record, 'not-canonical', {
            zh: `记录的 ${names[at]} 字段不是其规范 JSON 文本：存储的文本已被改写`,
            en: `the record's ${names[at]} column is not its own canonical JSON text: the stored text was rewritten`,
          }, canonical[at]?.slice(0, 200), texts[at]?.slice(0, 200));
        }
      }
      const recordedHead = wanted.get(record.seq)?.find((h) => h !== record.hash);
      if (recordedHead !== undefined) {
        return broken(checked, record, 'head-mismatch', {
          zh: '此序号的记录与已记录的链头哈希不同：该位置以下的日志已被改写',
          en: 'the record at this seq differs from a recorded head: the log up to here was rewritten',
        }, recordedHead, record.hash);
      }
      prevHash = record.hash;
      expectedSeq += 1;
      checked += 1;
    }
  }
}

function broken(
  records: number,
  record: DecisionRecord,
  reason: BrokenReason,
  message: { zh: string; en: string },
  expected?: string,
  found?: string,
): VerifyResult {
  return {
    ok: false,
    records,
    firstBroken: {
      seq: record.seq,
      decisionId: record.decisionId,
      reason,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found } : {}),
    },
  };
}
