/**
 * The hash chain of the decision log. Each record's hash is the SHA-256 of the canonical JSON (RFC 8785, core's
 * `canonicalJson`) of everything an auditor relies on — its place in the chain, the previous record's hash, the
 * pack, version, pack hash, `asOf`, parameters, (masked) facts, outcome and the whole decision — so editing,
 * removing or reordering any stored record breaks the chain at that record. Verification walks the log from the
 * first record and reports the first one that does not match.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@aftersales/core';
import type { DecisionRecord, NewDecisionRecord, Storage } from './storage/types.js';

/** The `prevHash` of the first record. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/**
 * Computes a record's own hash.
 *
 * @param seq - the record's 1-based position in the chain
 * @param prevHash - the previous record's hash, or {@link GENESIS_HASH}
 * @param record - the record's content
 * @returns `sha256:` followed by 64 hex digits
 * @example
 * ```ts
 * const hash = computeRecordHash(1, GENESIS_HASH, record);
 * ```
 */
export function computeRecordHash(seq: number, prevHash: string, record: NewDecisionRecord): string {
  const body = canonicalJson({
    seq,
    prevHash,
    decisionId: record.decisionId,
    recordedAt: record.recordedAt,
    pack: record.pack,
    version: record.version,
    packHash: record.packHash,
    asOf: record.asOf,
    parameters: record.parameters,
    facts: record.facts,
    outcome: record.outcome,
    decision: record.decision,
  });
  return `sha256:${createHash('sha256').update(body, 'utf8').digest('hex')}`;
}

/**
 * Links new records onto a chain head: assigns sequence numbers and hashes. Storage implementations call it
 * inside the transaction that holds the head.
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
    const hash = computeRecordHash(seq, prevHash, record);
    const linked: DecisionRecord = { ...record, seq, prevHash, hash };
    prevHash = hash;
    return linked;
  });
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
        reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'unreadable';
        message: { zh: string; en: string };
        expected?: string;
        found?: string;
      };
    };

/**
 * Walks the whole log in pages and checks each record's sequence, link and hash.
 *
 * @param storage - the log to check
 * @param pageSize - records read per query (default 1000)
 * @returns `{ ok: true, records, head }` or the first broken record
 * @throws StorageUnavailableError when the database cannot be read
 * @example
 * ```ts
 * const result = await verifyChain(storage);
 * if (!result.ok) console.error(result.firstBroken);
 * ```
 */
export async function verifyChain(storage: Storage, pageSize = 1000): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await storage.scanChain(expectedSeq - 1, pageSize);
    if (page.length === 0) return { ok: true, records: checked, head: prevHash };
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
      try {
        actual = computeRecordHash(record.seq, record.prevHash, record);
      } catch {
        return broken(checked, record, 'unreadable', { zh: '记录无法读取', en: 'the record cannot be read' });
      }
      if (actual !== record.hash) {
        return broken(checked, record, 'hash-mismatch', {
          zh: '记录内容与其哈希不一致：记录已被修改',
          en: 'the record does not match its hash: it was modified',
        }, record.hash, actual);
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
  reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'unreadable',
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
