/**
 * One canonical JSON (RFC 8785) and one SHA-256 (via `@noble/hashes`, synchronous and isomorphic) for all of
 * aftersales, so that a pack's hash and a decision record's hash are the same on every platform: the pack hash
 * that identifies a pack, and the record hash that links a decision log into a chain.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

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
