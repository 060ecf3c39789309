/**
 * The hash chain of the decision log. Each record's hash is the SHA-256 of the canonical JSON (RFC 8785, the same
 * text as core's `canonicalJson`) of everything an auditor relies on — its place in the chain, the previous record's hash, the
 * pack, version, pack hash, `asOf`, parameters, (masked) facts, outcome and the whole decision — so editing,
 * removing or reordering any stored record breaks the chain at that record. Verification walks the log from the
 * first record and reports the first one that does not match.
 */
import { createHash } from 'node:crypto';
import { storedColumnTexts } from './storage/rows.js';
import type { DecisionRecord, NewDecisionRecord, Storage } from './storage/types.js';

/** The `prevHash` of the first record. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/**
 * Canonical JSON (RFC 8785): object keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 * ECMAScript's `JSON.stringify` writes them, `undefined` members left out (`null` in arrays), `toJSON` honoured,
 * NaN and Infinity refused. It gives the same text as core's `canonicalJson` (a property test compares the two on
 * random JSON) and is self-contained, so the SQLite writer thread runs this very function's source; it is also
 * quicker than the general implementation on the records the server hashes.
 *
 * @param value - a JSON value
 * @returns the canonical text
 * @throws TypeError on NaN, Infinity or a value with no JSON form
 * @example
 * ```ts
 * canonicalText({ b: [1, 'x'], a: null }) // '{"a":null,"b":[1,"x"]}'
 * ```
 */
export function canonicalText(value: unknown): string {
  const write = (v: unknown): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`${String(v)} is not allowed in canonical JSON`);
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object': {
        const o = v as Record<string, unknown> & { toJSON?: unknown };
        if (typeof o.toJSON === 'function') return write((o.toJSON as () => unknown)());
        if (Array.isArray(o)) {
          let out = '[';
          for (let i = 0; i < o.length; i++) {
            const item: unknown = o[i];
            out += (i === 0 ? '' : ',') + (item === undefined || typeof item === 'symbol' ? 'null' : write(item));
          }
          return `${out}]`;
        }
        const keys = Object.keys(o).sort();
        let out = '{';
        let first = true;
        for (const key of keys) {
          const member = o[key];
          if (member === undefined || typeof member === 'symbol') continue;
          out += `${first ? '' : ','}${JSON.stringify(key)}:${write(member)}`;
          first = false;
        }
        return `${out}}`;
      }
      default: {
        const text = JSON.stringify(v) as string | undefined;
        if (text === undefined) throw new TypeError('value cannot be serialised as JSON');
        return text;
      }
    }
  };
  return write(value);
}

/** A record's JSON-valued fields, each as canonical JSON text (what the storages keep in their `*_json` columns). */
export interface RecordColumns {
  parametersJson: string;
  factsJson: string;
  outcomeJson: string;
  decisionJson: string;
}

/**
 * The canonical JSON of a record's JSON-valued fields, computed once: the storages keep these strings and the
 * hash is composed from them (see {@link recordHashBody}) instead of canonicalising the record a second time.
 *
 * @example
 * ```ts
 * const { factsJson } = recordColumns(record);
 * ```
 */
export function recordColumns(record: NewDecisionRecord): RecordColumns {
  return {
    parametersJson: canonicalText(record.parameters),
    factsJson: canonicalText(record.facts),
    outcomeJson: canonicalText(record.outcome),
    decisionJson: canonicalText(record.decision),
  };
}

/**
 * The text a record's hash is taken over: exactly `canonicalJson({ seq, prevHash, decisionId, recordedAt, pack,
 * version, packHash, asOf, parameters, facts, outcome, decision })`, composed from the already canonical column
 * texts (RFC 8785 orders the keys by UTF-16 code units, as written here; strings serialise as `JSON.stringify`,
 * a safe integer as its decimal digits). Self-contained on purpose: the SQLite writer thread runs this very
 * function's source.
 *
 * @example
 * ```ts
 * const body = recordHashBody(1, GENESIS_HASH, record, recordColumns(record));
 * body === canonicalJson({ seq: 1, prevHash: GENESIS_HASH, ...record }) // true
 * ```
 */
export function recordHashBody(
  seq: number,
  prevHash: string,
  r: { decisionId: string; recordedAt: string; pack: string; version: string; packHash: string; asOf: string },
  c: RecordColumns,
): string {
  const s = JSON.stringify;
  return (
    `{"asOf":${s(r.asOf)},"decision":${c.decisionJson},"decisionId":${s(r.decisionId)},"facts":${c.factsJson}` +
    `,"outcome":${c.outcomeJson},"pack":${s(r.pack)},"packHash":${s(r.packHash)},"parameters":${c.parametersJson}` +
    `,"prevHash":${s(prevHash)},"recordedAt":${s(r.recordedAt)},"seq":${String(seq)},"version":${s(r.version)}}`
  );
}

/**
 * Computes a record's own hash.
 *
 * @param seq - the record's 1-based position in the chain
 * @param prevHash - the previous record's hash, or {@link GENESIS_HASH}
 * @param record - the record's content
 * @param columns - the record's canonical column texts, when already computed
 * @returns `sha256:` followed by 64 hex digits
 * @example
 * ```ts
 * const hash = computeRecordHash(1, GENESIS_HASH, record);
 * ```
 */
export function computeRecordHash(seq: number, prevHash: string, record: NewDecisionRecord, columns = recordColumns(record)): string {
  const body = recordHashBody(seq, prevHash, record, columns);
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
        actual = computeRecordHash(record.seq, record.prevHash, record, columns);
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
