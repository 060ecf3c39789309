/**
 * The hash chain of the decision log. A record's hash is core's {@link hashRecord}: the SHA-256 of the canonical
 * JSON (core's `canonicalJson`, RFC 8785) of everything an auditor relies on — its place in the chain, the previous
 * record's hash, the pack, version, pack hash, `asOf`, parameters, (masked) facts, outcome and the whole decision —
 * so editing, removing or reordering any stored record breaks the chain at that record. {@link linkRecords} is the
 * one linker both storages call inside the transaction that holds the chain head; verification walks the log from
 * the first record and reports the first one that does not match.
 */
// The canonical entry alone: the SQLite writer thread imports this module and must start in milliseconds.
import { canonicalJson, checkChainRow, entryParts, GENESIS_HASH, hashEntryParts, hashRecord, type ChainRow } from '@aftersales/core/canonical';
import { entryColumnValues, rowToEntry } from './storage/entry-rows.js';
import { recordColumns, rememberValues, rowToRecord } from './storage/rows.js';
import type { LinkedLogRow, NewDecisionRecord, NewLogRow, Storage, StoredRow } from './storage/types.js';

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
export function linkRecords(head: { seq: number; hash: string } | undefined, records: NewLogRow[]): LinkedLogRow[] {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return records.map((record) => {
    seq += 1;
    let linked: LinkedLogRow;
    if ('entry' in record && record.format === 2) {
      // Each member canonicalised once: the entry's hash and its row's columns are assembled from these pieces.
      const parts = entryParts(record.entry);
      const link = { seq, prevHash, hash: hashEntryParts(seq, prevHash, parts) };
      linked = { ...record, ...link };
      rememberValues(linked, entryColumnValues(link, record.entry, parts));
    } else {
      const r = record as NewDecisionRecord;
      linked = { ...r, seq, prevHash, hash: hashRecord(seq, prevHash, r) };
    }
    prevHash = linked.hash;
    return linked;
  });
}

/**
 * A stored row as core's chain check reads it, with the JSON texts that must be their own canonical form.
 *
 * @throws when the row cannot be read (a JSON column that does not parse, an entry with a misplaced member)
 */
function chainRow(row: StoredRow): { chain: ChainRow; texts: Array<[string, string, string]> } {
  const link = { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
  if (Number(row.format ?? 1) === 2) {
    const entry = rowToEntry(row);
    const rest = JSON.parse(row.entry_json ?? '') as unknown;
    const texts: Array<[string, string, string]> = [['entry', row.entry_json ?? '', canonicalJson(rest)]];
    if (entry.kind === 'decision') texts.push(['outcome', row.outcome_json, canonicalJson(entry.outcome)]);
    return { chain: { format: 2, ...link, entry }, texts };
  }
  const record = rowToRecord(row);
  const c = recordColumns(record);
  return {
    chain: { format: 1, ...link, record },
    texts: [
      ['parameters', row.parameters_json, c.parametersJson],
      ['facts', row.facts_json, c.factsJson],
      ['outcome', row.outcome_json, c.outcomeJson],
      ['decision', row.decision_json, c.decisionJson],
    ],
  };
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
    const page = await storage.scanRows(expectedSeq - 1, pageSize);
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
    for (const row of page) {
      const record = { seq: Number(row.seq), decisionId: row.decision_id, hash: row.hash };
      const problem = checkStoredRow({ seq: expectedSeq - 1, hash: prevHash }, row);
      if (problem) return { ok: false, records: checked, firstBroken: problem };
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

/** The first problem verification reports. */
export type FirstBroken = Extract<VerifyResult, { ok: false }>['firstBroken'];

/**
 * Checks one stored row against the chain before it: seq, link and hash (core's `checkChainRow`: `hashRecord` for
 * format 1, `hashEntry` for format 2), and that every stored JSON text is its own canonical form. The chain walk
 * and a record's own page call it.
 *
 * @param head - the previous row's seq and hash (`{ seq: 0, hash: GENESIS_HASH }` before the first)
 * @param row - the row exactly as stored
 * @returns undefined when the row checks, else the problem with a bilingual message
 * @example
 * ```ts
 * const problem = checkStoredRow({ seq: 0, hash: GENESIS_HASH }, row);
 * ```
 */
export function checkStoredRow(head: { seq: number; hash: string }, row: StoredRow): FirstBroken | undefined {
  const record = { seq: Number(row.seq), decisionId: row.decision_id };
  const expectedSeq = head.seq + 1;
  let read: ReturnType<typeof chainRow> | undefined;
  try {
    read = chainRow(row);
  } catch {
    read = undefined;
  }
  const gap = checkChainRow(head, read?.chain ?? { format: 1, seq: record.seq, prevHash: row.prev_hash, hash: row.hash, record: rowToRecord(row) });
  if (gap?.reason === 'sequence-gap') {
    return problem(record, 'sequence-gap', {
      zh: `序号不连续：应为 ${expectedSeq}，实为 ${record.seq}`,
      en: `sequence gap: expected ${expectedSeq}, found ${record.seq}`,
    }, String(expectedSeq), String(record.seq));
  }
  if (gap?.reason === 'prev-hash-mismatch') {
    return problem(record, 'prev-hash-mismatch', {
      zh: '记录的前一哈希与上一条记录的哈希不一致',
      en: "the record's previous hash does not match the previous record's hash",
    }, head.hash, row.prev_hash);
  }
  if (!read || gap?.reason === 'unreadable') return problem(record, 'unreadable', { zh: '记录无法读取', en: 'the record cannot be read' });
  if (gap?.reason === 'hash-mismatch') {
    return problem(record, 'hash-mismatch', {
      zh: '记录内容与其哈希不一致：记录已被修改',
      en: 'the record does not match its hash: it was modified',
    }, gap.expected, gap.found);
  }
  const notCanonical = read.texts.find(([, stored, canonical]) => stored !== canonical);
  if (notCanonical) {
    const [name, stored, canonical] = notCanonical;
    return problem(record, 'not-canonical', {
      zh: `记录的 ${name} 字段不是其规范 JSON 文本：存储的文本已被改写`,
      en: `the record's ${name} column is not its own canonical JSON text: the stored text was rewritten`,
    }, canonical.slice(0, 200), stored.slice(0, 200));
  }
  return undefined;
}

function problem(
  record: { seq: number; decisionId: string },
  reason: BrokenReason,
  message: { zh: string; en: string },
  expected?: string,
  found?: string,
): FirstBroken {
  return {
    seq: record.seq,
    decisionId: record.decisionId,
    reason,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(found !== undefined ? { found } : {}),
  };
}

function broken(
  records: number,
  record: { seq: number; decisionId: string },
  reason: BrokenReason,
  message: { zh: string; en: string },
  expected?: string,
  found?: string,
): VerifyResult {
  return { ok: false, records, firstBroken: problem(record, reason, message, expected, found) };
}
