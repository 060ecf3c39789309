/**
 * One canonical JSON (RFC 8785) and one SHA-256 (via `@noble/hashes`, synchronous and isomorphic) for all of
 * aftersales, so that a pack's hash and a decision record's hash are the same on every platform: the pack hash
 * that identifies a pack, and the record hash that links a decision log into a chain.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { FiredRule, RuleTrace } from './types.js';

/**
 * Serialises a JSON value canonically (RFC 8785): object keys sorted by UTF-16 code units, no whitespace, strings
 * and numbers as ECMAScript's `JSON.stringify` writes them (which is what RFC 8785 prescribes), `undefined`
 * members left out (`null` in arrays), `toJSON` honoured.
 *
 * @param value - any JSON value
 * @returns the canonical text
 * @throws TypeError on NaN, Infinity, a bigint or a value with no JSON form
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('value cannot be serialised as JSON');
  return text;
}

function write(v: unknown): string | undefined {
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
        for (let i = 0; i < o.length; i++) out += (i === 0 ? '' : ',') + (write(o[i]) ?? 'null');
        return `${out}]`;
      }
      const keys = Object.keys(o).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = write(o[key]);
        if (member === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${member}`;
        first = false;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('a bigint is not allowed in canonical JSON');
    default:
      return undefined; // undefined, a function, a symbol: no JSON form
  }
}

/**
 * SHA-256 of a text (UTF-8) as lowercase hex.
 *
 * @example
 * ```ts
 * sha256Hex('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The hash that identifies a pack document: `"sha256:" + hex` of its canonical JSON.
 *
 * @example
 * ```ts
 * hashPack(doc) // 'sha256:9f2c…'
 * ```
 */
export function hashPack(document: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(document))}`;
}

/** The `prevHash` of the first record of a decision log. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/** What a decision record's hash covers, besides its place in the chain. */
export interface RecordContent {
  decisionId: string;
  recordedAt: string;
  pack: string;
  version: string;
  packHash: string;
  asOf: string;
  parameters: unknown;
  facts: unknown;
  outcome: unknown;
  decision: unknown;
}

/**
 * The hash of a decision record in a hash-chained log: `"sha256:" + hex` of
 * `canonicalJson({ seq, prevHash, decisionId, recordedAt, pack, version, packHash, asOf, parameters, facts,
 * outcome, decision })`, so editing, removing or reordering a record breaks the chain at that record.
 *
 * @param seq - the record's 1-based place in the chain
 * @param prevHash - the previous record's hash, or {@link GENESIS_HASH} for the first
 * @param record - the record's content (other members are not covered)
 * @returns `sha256:` followed by 64 hex digits
 * @example
 * ```ts
 * const hash = hashRecord(1, GENESIS_HASH, record);
 * ```
 */
export function hashRecord(seq: number, prevHash: string, record: RecordContent): string {
  const { decisionId, recordedAt, pack, version, packHash, asOf, parameters, facts, outcome, decision } = record;
  return `sha256:${sha256Hex(canonicalJson({ seq, prevHash, decisionId, recordedAt, pack, version, packHash, asOf, parameters, facts, outcome, decision }))}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Format 2: one typed entry per row of the chain (docs/design/log-record-v2.md)
// ---------------------------------------------------------------------------------------------------------------

/** The kinds of entry in the chain: a decision, a stored pack version, an activation or rollback. */
export type EntryKind = 'decision' | 'pack-version' | 'activation';

/** What every format-2 entry carries. */
export interface EntryBase {
  /** Always 2: a format-2 hash can never equal a format-1 hash of the same content. */
  format: 2;
  kind: EntryKind;
  /** The decisionId of a decision, a UUID for the others. */
  id: string;
  /** Server clock, ISO 8601 UTC. */
  recordedAt: string;
  /** Policy changes: who made it, as the caller said (header `Aftersales-Actor` or a body field). */
  actor?: string;
}

/** A pack version an entry names: the pack itself or one it requires. */
export interface EntryPackRef {
  pack: string;
  version: string;
  packHash: string;
}

/**
 * What the engine saw for a decision: today's explanation stored whole (`explanation/1`), or a compact trace
 * (`trace/1`) from which the explanation is rebuilt on read with the recorded pack version.
 */
export type Evidence =
  | { format: 'explanation/1'; explanation: RuleTrace[] }
  | { format: 'trace/1'; trace: unknown };

/** A decision in the chain (facts, outcome, fired, messages, derived and context as masked before hashing). */
export interface DecisionEntry extends EntryBase {
  kind: 'decision';
  pack: string;
  version: string;
  packHash: string;
  /** The required packs' versions this decision was made with (when any). */
  uses?: EntryPackRef[];
  asOf: string;
  parameters: Record<string, unknown>;
  facts: unknown;
  outcome: unknown;
  fired: FiredRule[];
  messages: { zh: string; en: string };
  derived?: Record<string, unknown>;
  evidence: Evidence;
  /** The host's reference (1–200 characters, e.g. a claim number). */
  reference?: string;
  /** Host context (≤ 16 KiB), never seen by the rules. */
  context?: Record<string, unknown>;
  /** The `Idempotency-Key` the decision was made under. */
  idempotencyKey?: string;
  /** `sha256:` + hex of the canonical request body, so a repeated key with another body is refused. */
  requestHash?: string;
  /** The seq of the activation entry in force when decided (when known). */
  activation?: number;
  /** The working-day calendar the decision counted on (`id` and `version`), when its packs count working days. */
  calendar?: { id: string; version: string };
}

/** A pack version stored on the server (bundled at start or uploaded). */
export interface PackVersionEntry extends EntryBase {
  kind: 'pack-version';
  pack: string;
  version: string;
  packHash: string;
  /** `sha256:` + hex of the canonical bindings stored with the version. */
  bindingsHash?: string;
  origin: 'bundled' | 'uploaded';
}

/** A version made active (`activate`) or an earlier one made active again (`rollback`). */
export interface ActivationEntry extends EntryBase {
  kind: 'activation';
  pack: string;
  version: string;
  packHash: string;
  previousVersion: string | null;
  action: 'activate' | 'rollback';
  /** The impact run before it, when one was run. */
  impact?: { checked: number; changed: number; failed: number };
  /** An activation without a fresh impact, and why. */
  forced?: { reason: string };
}

/** Any format-2 entry. */
export type LogEntry = DecisionEntry | PackVersionEntry | ActivationEntry;

/**
 * The canonical JSON of an object assembled from its members' canonical texts: RFC 8785 sorts an object's keys,
 * so the whole is the members in key order, each written once. A writer that canonicalised each field already
 * (for its own columns) builds the entry's text from those pieces with no second serialisation.
 *
 * @param members - member name → the member's canonical JSON text (members absent or `undefined` are left out)
 * @returns the object's canonical text, equal to `canonicalJson` of the parsed members
 * @example
 * ```ts
 * assembleCanonical({ b: '1', a: '"x"' }) // '{"a":"x","b":1}'
 * ```
 */
export function assembleCanonical(members: Readonly<Record<string, string | undefined>>): string {
  let out = '{';
  let first = true;
  for (const key of Object.keys(members).sort()) {
    const text = members[key];
    if (text === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * Each member of an entry as canonical JSON text (members whose value is `undefined` are left out): the pieces
 * {@link assembleCanonical} and {@link hashEntryParts} put together.
 *
 * @example
 * ```ts
 * entryParts({ format: 2, kind: 'activation', … }).kind // '"activation"'
 * ```
 */
export function entryParts(entry: LogEntry): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry)) if (value !== undefined) parts[key] = canonicalJson(value);
  return parts;
}

/**
 * The hash of an entry from its members' canonical texts (see {@link entryParts}) and its place in the chain:
 * the same as {@link hashEntry} of the parsed entry.
 *
 * @param seq - the entry's 1-based place in the chain
 * @param prevHash - the previous row's hash, or {@link GENESIS_HASH}
 * @param parts - member name → canonical text (must include `format: 2`)
 * @returns `sha256:` followed by 64 hex digits
 * @example
 * ```ts
 * hashEntryParts(7, prev, entryParts(entry)) === hashEntry(7, prev, entry) // true
 * ```
 */
export function hashEntryParts(seq: number, prevHash: string, parts: Readonly<Record<string, string>>): string {
  if (parts.format !== '2') throw new TypeError('a format-2 entry must carry "format": 2');
  return `sha256:${sha256Hex(assembleCanonical({ ...parts, seq: String(seq), prevHash: JSON.stringify(prevHash) }))}`;
}

/**
 * The hash of a format-2 entry of the chain: `"sha256:" + hex(SHA-256(canonicalJson({ ...entry, seq, prevHash })))`
 * (RFC 8785). Every member of the entry is covered; `format: 2` keeps it apart from any format-1 record hash
 * ({@link hashRecord}).
 *
 * @param seq - the entry's 1-based place in the chain
 * @param prevHash - the previous row's hash, or {@link GENESIS_HASH} for the first
 * @param entry - the entry
 * @returns `sha256:` followed by 64 hex digits
 * @throws TypeError when the entry has no `format: 2` or a value with no canonical JSON form
 * @example
 * ```ts
 * const hash = hashEntry(1, GENESIS_HASH, { format: 2, kind: 'activation', id: '…', … });
 * ```
 */
export function hashEntry(seq: number, prevHash: string, entry: LogEntry): string {
  return hashEntryParts(seq, prevHash, entryParts(entry));
}

/** A row of the chain as a verifier reads it: a format-1 record or a format-2 entry, with its place and hashes. */
export type ChainRow =
  | { format: 1; seq: number; prevHash: string; hash: string; record: RecordContent }
  | { format: 2; seq: number; prevHash: string; hash: string; entry: LogEntry };

/** Why a row does not continue the chain. */
export type ChainBreakReason = 'sequence-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'unreadable';

/** The first row that does not continue the chain. */
export interface ChainBreak {
  seq: number;
  /** The row's decisionId (format 1) or entry id (format 2). */
  id: string;
  reason: ChainBreakReason;
  expected?: string;
  found?: string;
}

/**
 * Checks one row against the chain so far: its seq follows, its `prevHash` is the previous hash, and its hash is
 * {@link hashRecord} (format 1) or {@link hashEntry} (format 2) of its content. Pure: a server, a worker and an
 * offline verifier call the same function.
 *
 * @param head - the last good row's seq and hash (`{ seq: 0, hash: GENESIS_HASH }` before the first)
 * @param row - the next row
 * @returns undefined when the row continues the chain, else why not
 * @example
 * ```ts
 * const broken = checkChainRow({ seq: 0, hash: GENESIS_HASH }, row);
 * ```
 */
export function checkChainRow(head: { seq: number; hash: string }, row: ChainRow): ChainBreak | undefined {
  const id = row.format === 1 ? row.record.decisionId : row.entry.id;
  const at = { seq: row.seq, id };
  if (row.seq !== head.seq + 1) return { ...at, reason: 'sequence-gap', expected: String(head.seq + 1), found: String(row.seq) };
  if (row.prevHash !== head.hash) return { ...at, reason: 'prev-hash-mismatch', expected: head.hash, found: row.prevHash };
  let actual: string;
  try {
    actual = row.format === 1 ? hashRecord(row.seq, row.prevHash, row.record) : hashEntry(row.seq, row.prevHash, row.entry);
  } catch {
    return { ...at, reason: 'unreadable' };
  }
  if (actual !== row.hash) return { ...at, reason: 'hash-mismatch', expected: row.hash, found: actual };
  return undefined;
}

/**
 * Verifies a run of chain rows in order (format 1 and format 2 mixed), from a known head or from the start.
 *
 * @param rows - the rows, ascending by seq
 * @param from - the head the rows continue (default: the empty chain)
 * @returns `{ ok: true, records, head }` or the first row that breaks the chain
 * @example
 * ```ts
 * const result = verifyEntries(rows);
 * if (!result.ok) console.error(result.firstBroken.seq);
 * ```
 */
export function verifyEntries(
  rows: Iterable<ChainRow>,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): { ok: true; records: number; head: { seq: number; hash: string } } | { ok: false; records: number; firstBroken: ChainBreak } {
  let head = from;
  let records = 0;
  for (const row of rows) {
    const broken = checkChainRow(head, row);
    if (broken) return { ok: false, records, firstBroken: broken };
    head = { seq: row.seq, hash: row.hash };
    records += 1;
  }
  return { ok: true, records, head };
}
