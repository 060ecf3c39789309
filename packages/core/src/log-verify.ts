/**
 * Verification of a hash-chained decision log, written once for every reader: the reference server's verification
 * thread (rows read from its database) and the offline verifier `aftersales audit verify` (an NDJSON export). Both
 * hand it each record as its **canonical text** — the RFC 8785 JSON of `{ ...record, seq, prevHash }`, exactly the
 * text whose SHA-256 is the record's hash — so an auditor can re-implement the check with any JSON canonicaliser and
 * `sha256sum`. No I/O: lines in, findings out; the SHA-256 is injectable (native hashing in Node, `@noble/hashes`
 * by default) and so is the head signature check.
 *
 * Checked for each record: the text parses and is its own canonical form; it is a known record format (format 1:
 * exactly the members of {@link hashRecord}; format 2: `format: 2` with a known `kind`, see
 * docs/design/log-record-v2.md); `seq` follows the previous one; `prevHash` is the previous record's hash; and, when
 * the reader has the hash the record was stored with, that hash is the text's SHA-256. Without stored hashes (an
 * export), a record's hash is what the next record's `prevHash` — or the head — links to: an edit shows at the
 * edited record.
 */
import { canonicalJson, GENESIS_HASH, sha256Hex } from './canonical.js';

/** A point in the chain: a record's seq and hash (`{ seq: 0, hash: GENESIS_HASH }` before the first). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/** Why a chain check stopped. */
export type LineBreakReason =
  | 'unreadable'
  | 'not-canonical'
  | 'unknown-format'
  | 'sequence-gap'
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'head-mismatch'
  | 'truncated'
  | 'bad-signature';

/** The first place where a chain does not hold. */
export interface LineBreak {
  /** The first record that does not hold (for `truncated`: the first missing one). */
  seq: number;
  reason: LineBreakReason;
  message: { zh: string; en: string };
  expected?: string;
  found?: string;
  /** The record's id when it could be read (`decisionId` of format 1, `id` of format 2). */
  decisionId?: string;
}

/** Options of a {@link ChainChecker}. */
export interface ChainCheckerOptions {
  /** The verified point the records continue (default: the genesis, seq 0). */
  after?: ChainPoint;
  /** SHA-256 of a UTF-8 text as lowercase hex (default core's {@link sha256Hex}; Node callers pass a native one). */
  sha256?: (text: string) => string;
}

/** The members of a format-1 record's canonical text (core's `hashRecord`), sorted. */
const FORMAT1_KEYS = 'asOf,decision,decisionId,facts,outcome,pack,packHash,parameters,prevHash,recordedAt,seq,version';
const FORMAT2_KINDS = new Set(['decision', 'pack-version', 'activation']);
const HASH = /^sha256:[0-9a-f]{64}$/;

const short = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * Checks records one after another, in chain order, keeping the last verified point. Feed it each record's
 * canonical text (and the hash it was stored with, when the reader has one); it answers the first break.
 *
 * @example
 * ```ts
 * const checker = new ChainChecker();
 * for (const line of lines) {
 *   const broken = checker.push(line);
 *   if (broken) throw new Error(broken.message.en);
 * }
 * const end = checker.finish(); // undefined, or the break found at the last record
 * checker.verified; // { seq, hash } of the last record that holds
 * ```
 */
export class ChainChecker {
  private readonly sha256: (text: string) => string;
  /** The last record proven: its hash is what the next record links to. */
  private point: ChainPoint;
  /** A record checked except for its hash (no stored hash given): proven when the next record or the head links to it. */
  private pending: { seq: number; hash: string; id?: string } | undefined;
  /** Records checked so far (including a pending one). */
  records = 0;

  constructor(options: ChainCheckerOptions = {}) {
    this.point = options.after ?? { seq: 0, hash: GENESIS_HASH };
    this.sha256 = options.sha256 ?? sha256Hex;
  }

  /** The last record known to hold (its hash linked to by the next record, the head, or its stored hash). */
  get verified(): ChainPoint {
    return { ...this.point };
  }

  /** The last record read (verified or pending): the point the next record must link to. */
  get last(): ChainPoint {
    return this.pending ? { seq: this.pending.seq, hash: this.pending.hash } : { ...this.point };
  }

  /**
   * Checks the next record.
   *
   * @param text - the record's canonical text (one NDJSON line)
   * @param storedHash - the hash the record was stored with, when the reader has it
   * @returns the first break, or undefined when the record holds so far
   */
  push(text: string, storedHash?: string): LineBreak | undefined {
    const expectedSeq = this.last.seq + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { seq: expectedSeq, reason: 'unreadable', message: { zh: '记录不是 JSON', en: 'the record is not JSON' }, found: short(text) };
    }
    const record = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
    const seq = typeof record.seq === 'number' ? record.seq : expectedSeq;
    const id = typeof record.decisionId === 'string' ? record.decisionId : typeof record.id === 'string' ? record.id : undefined;
    const at = (reason: LineBreakReason, message: { zh: string; en: string }, expected?: string, found?: string, where = seq): LineBreak => ({
      seq: where,
      reason,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found } : {}),
      ...(id !== undefined && where === seq ? { decisionId: id } : {}),
    });
    if (record.seq !== expectedSeq) {
      return at('sequence-gap', { zh: `序号不连续：应为 ${expectedSeq}，实为 ${String(record.seq)}`, en: `sequence gap: expected ${expectedSeq}, found ${String(record.seq)}` }, String(expectedSeq), String(record.seq), expectedSeq);
    }
    let canonical: string;
    try {
      canonical = canonicalJson(value);
    } catch {
      canonical = '';
    }
    if (canonical !== text) {
      return at('not-canonical', { zh: '记录不是其规范 JSON 文本：存储的文本已被改写', en: 'the record is not its own canonical JSON text: the stored text was rewritten' }, short(canonical), short(text));
    }
    const format = recordFormat(record);
    if (!format) {
      return at('unknown-format', { zh: '记录既不是格式 1 也不是格式 2', en: 'the record is neither format 1 nor format 2' }, `members ${FORMAT1_KEYS}, or format 2 with kind ${[...FORMAT2_KINDS].join('|')}`, Object.keys(record).sort().join(','));
    }
    const hash = `sha256:${this.sha256(text)}`;
    const previous = this.last;
    if (record.prevHash !== previous.hash) {
      if (this.pending) {
        // No stored hash for the previous record: it is the one that no longer hashes to what this record links to.
        const p = this.pending;
        return {
          seq: p.seq,
          reason: 'hash-mismatch',
          message: { zh: '记录的哈希与下一条记录链接的哈希不一致：记录已被修改', en: "the record does not hash to what the next record links to: it was modified" },
          expected: String(record.prevHash),
          found: p.hash,
          ...(p.id !== undefined ? { decisionId: p.id } : {}),
        };
      }
      return at('prev-hash-mismatch', { zh: '记录的前一哈希与上一条记录的哈希不一致', en: "the record's previous hash does not match the previous record's hash" }, previous.hash, String(record.prevHash));
    }
    if (this.pending) this.point = { seq: this.pending.seq, hash: this.pending.hash };
    this.pending = undefined;
    this.records += 1;
    if (storedHash !== undefined) {
      if (storedHash !== hash) {
        this.records -= 1;
        return at('hash-mismatch', { zh: '记录内容与其哈希不一致：记录已被修改', en: 'the record does not match its hash: it was modified' }, storedHash, hash);
      }
      this.point = { seq, hash };
    } else {
      this.pending = { seq, hash, ...(id !== undefined ? { id } : {}) };
    }
    return undefined;
  }

  /**
   * Ends the walk at a head: the last record must be `head` (its seq and hash). Without a head, a last record
   * checked without a stored hash is accepted as read (nothing links to it).
   *
   * @param head - the head the records must reach (the export's head, or one an auditor recorded)
   * @returns the break, or undefined
   */
  finish(head?: ChainPoint): LineBreak | undefined {
    const last = this.last;
    if (head && head.seq > last.seq) {
      return {
        seq: last.seq + 1,
        reason: 'truncated',
        message: {
          zh: `记录只到序号 ${last.seq}，短于链头（序号 ${head.seq}）：末尾的记录已被删除`,
          en: `the records end at seq ${last.seq}, before the head (seq ${head.seq}): records at the end were removed`,
        },
        expected: `${head.seq}:${head.hash}`,
        found: `${last.seq}:${last.hash}`,
      };
    }
    if (head && head.seq === last.seq && head.hash !== last.hash) {
      const p = this.pending;
      return {
        seq: last.seq,
        reason: 'hash-mismatch',
        message: { zh: '最后一条记录的哈希与链头不一致：记录已被修改', en: 'the last record does not hash to the head: it was modified' },
        expected: head.hash,
        found: last.hash,
        ...(p?.id !== undefined ? { decisionId: p.id } : {}),
      };
    }
    if (!head || head.seq === last.seq) {
      this.point = last;
      this.pending = undefined;
    }
    return undefined;
  }
}

/**
 * The record format of a parsed canonical text: 1 (exactly the members core's `hashRecord` covers), 2 (`format: 2`
 * with a known `kind`), or undefined.
 *
 * @example
 * ```ts
 * recordFormat({ format: 2, kind: 'activation', seq: 9, prevHash: '…' }) // 2
 * ```
 */
export function recordFormat(record: Record<string, unknown>): 1 | 2 | undefined {
  if (typeof record.prevHash !== 'string' || !HASH.test(record.prevHash)) return undefined;
  if (record.format === 2) return typeof record.kind === 'string' && FORMAT2_KINDS.has(record.kind) ? 2 : undefined;
  return Object.keys(record).sort().join(',') === FORMAT1_KEYS ? 1 : undefined;
}

/** A chain head as the server signs it (`GET /v1/audit/head`, the last line of an export). */
export interface SignedHead {
  seq: number;
  hash: string;
  /** When the server read the head (ISO 8601 UTC). */
  at: string;
}

/**
 * The text a head signature is over: the canonical JSON of `{ at, hash, seq }` (Ed25519 signs its UTF-8 bytes).
 *
 * @example
 * ```ts
 * headSignedText({ seq: 1, hash: 'sha256:…', at: '2026-01-01T00:00:00.000Z' }) // '{"at":"2026-…","hash":"sha256:…","seq":1}'
 * ```
 */
export function headSignedText(head: SignedHead): string {
  return canonicalJson({ at: head.at, hash: head.hash, seq: head.seq });
}

/** The head line ending an export: the head the records reach, signed when the server has a key. */
export interface ExportHead {
  head: SignedHead;
  signature?: { algorithm: string; keyId?: string; value: string };
}

/** Options of {@link verifyExport}. */
export interface VerifyExportOptions {
  /** Heads an auditor recorded earlier: each must be reached with the same hash (one at `from - 1` checks the start). */
  heads?: ChainPoint[];
  /**
   * Checks the head's signature (Ed25519 over {@link headSignedText}); when given, an unsigned head or a signature
   * that does not hold is a break (`bad-signature`).
   */
  checkSignature?: (signedText: string, signature: NonNullable<ExportHead['signature']>) => boolean;
  /** SHA-256 as lowercase hex (default core's {@link sha256Hex}). */
  sha256?: (text: string) => string;
}

/** The result of {@link verifyExport}. */
export type VerifyExportResult =
  | { ok: true; records: number; from: number; head: SignedHead; signature: 'valid' | 'unsigned' | 'not-checked' }
  | { ok: false; records: number; firstBroken: LineBreak };

const problem = (seq: number, reason: LineBreakReason, en: string, zh: string, extra: Partial<LineBreak> = {}): LineBreak => ({ seq, reason, message: { zh, en }, ...extra });

/**
 * Verifies an NDJSON export of the log (`GET /v1/audit/export`): each line a record's canonical text, in chain
 * order, then one head line `{"head":{"at","hash","seq"},"signature":{…}}`. Checks every record (see
 * {@link ChainChecker}), that the records end exactly at the head, that they reach every recorded head given, and
 * the head's signature when a checker is given. An export that starts after seq 1 (`?from=`) takes its first
 * `prevHash` as given unless a recorded head sits just before it.
 *
 * @param lines - the export's lines (empty lines are skipped); an async iterable streams a large file
 * @param options - recorded heads, a signature check, a SHA-256
 * @returns `{ ok: true, records, from, head, signature }` or the first break
 * @example
 * ```ts
 * const result = await verifyExport(text.split('\n'), { heads: [{ seq: 42, hash: 'sha256:…' }] });
 * if (!result.ok) console.error(result.firstBroken.seq, result.firstBroken.message.en);
 * ```
 */
export async function verifyExport(lines: Iterable<string> | AsyncIterable<string>, options: VerifyExportOptions = {}): Promise<VerifyExportResult> {
  const heads = [...(options.heads ?? [])].sort((a, b) => a.seq - b.seq);
  let checker: ChainChecker | undefined;
  let from = 0;
  let exportHead: ExportHead | undefined;
  const fail = (firstBroken: LineBreak): VerifyExportResult => ({ ok: false, records: checker?.records ?? 0, firstBroken });
  for await (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const next = (checker?.last.seq ?? from - 1) + 1;
    if (exportHead) return fail(problem(next, 'unreadable', 'a line follows the head line', '链头行之后还有内容'));
    if (line.startsWith('{"head":')) {
      try {
        exportHead = JSON.parse(line) as ExportHead;
      } catch {
        return fail(problem(next, 'unreadable', 'the head line is not JSON', '链头行不是 JSON'));
      }
      const h = exportHead.head;
      if (!h || typeof h.seq !== 'number' || typeof h.hash !== 'string' || typeof h.at !== 'string') {
        return fail(problem(next, 'unreadable', 'the head line must hold head { seq, hash, at }', '链头行须含 head { seq, hash, at }'));
      }
      continue;
    }
    if (!checker) {
      let first: { seq?: unknown; prevHash?: unknown } = {};
      try {
        first = JSON.parse(line) as typeof first;
      } catch {
        // reported by the checker below
      }
      from = typeof first.seq === 'number' && Number.isInteger(first.seq) && first.seq >= 1 ? first.seq : 1;
      const before = heads.filter((h) => h.seq < from - 1);
      if (before.length > 0) {
        return fail(problem(from, 'truncated', `the export starts at seq ${from}, after a recorded head (seq ${before[0]?.seq}): export from ${(before[0]?.seq ?? 0) + 1} or earlier`, `导出从序号 ${from} 开始，晚于已记录的链头（序号 ${before[0]?.seq}）`));
      }
      const start = heads.find((h) => h.seq === from - 1);
      const prevHash = from === 1 ? GENESIS_HASH : typeof first.prevHash === 'string' ? first.prevHash : '';
      if (start && start.hash !== prevHash) {
        return fail(problem(from, 'head-mismatch', 'the first record does not link to the recorded head before it', '第一条记录未链接到其前已记录的链头', { expected: start.hash, found: prevHash }));
      }
      checker = new ChainChecker({ after: { seq: from - 1, hash: prevHash }, ...(options.sha256 ? { sha256: options.sha256 } : {}) });
    }
    const broken = checker.push(line);
    if (broken) return fail(broken);
    const last = checker.last;
    const recorded = heads.find((h) => h.seq === last.seq && h.hash !== last.hash);
    if (recorded) {
      return fail(problem(last.seq, 'head-mismatch', 'the record at this seq differs from a recorded head: the log up to here was rewritten', '此序号的记录与已记录的链头哈希不同：该位置以下的日志已被改写', { expected: recorded.hash, found: last.hash }));
    }
  }
  if (exportHead && !checker) {
    // No records (nothing after `from`): the head itself is the point the recorded heads are checked against.
    checker = new ChainChecker({ after: { seq: exportHead.head.seq, hash: exportHead.head.hash }, ...(options.sha256 ? { sha256: options.sha256 } : {}) });
    const head = exportHead.head;
    const differs = heads.find((h) => h.seq === head.seq && h.hash !== head.hash);
    if (differs) return fail(problem(head.seq, 'head-mismatch', 'the head differs from a recorded head at the same seq', '链头与同序号的已记录链头不同', { expected: differs.hash, found: head.hash }));
  }
  checker ??= new ChainChecker({ after: { seq: Math.max(0, from - 1), hash: GENESIS_HASH }, ...(options.sha256 ? { sha256: options.sha256 } : {}) });
  if (!exportHead) {
    const last = checker.last;
    return fail(problem(last.seq + 1, 'truncated', 'the export has no head line: it was cut', '导出缺少链头行：已被截断'));
  }
  const head = exportHead.head;
  const end = checker.finish(head);
  if (end) return fail(end);
  if (head.seq < checker.last.seq) return fail(problem(head.seq + 1, 'head-mismatch', `records follow the head (seq ${head.seq})`, `链头（序号 ${head.seq}）之后还有记录`));
  const beyond = heads.find((h) => h.seq > head.seq);
  if (beyond) {
    const cut = checker.finish(beyond) ?? problem(head.seq + 1, 'truncated', 'the export ends before a recorded head', '导出在已记录的链头之前结束');
    return fail(cut);
  }
  let signature: 'valid' | 'unsigned' | 'not-checked' = exportHead.signature ? 'not-checked' : 'unsigned';
  if (options.checkSignature) {
    const sig = exportHead.signature;
    let valid = false;
    try {
      valid = sig !== undefined && options.checkSignature(headSignedText(head), sig);
    } catch {
      valid = false;
    }
    if (!valid) {
      return fail(problem(head.seq, 'bad-signature', sig ? "the head's signature does not hold for the given key" : 'the head is not signed', sig ? '链头签名与给定公钥不符' : '链头没有签名', { found: sig?.value ?? 'no signature' }));
    }
    signature = 'valid';
  }
  return { ok: true, records: checker.records, from: from || head.seq + 1, head, signature };
}
