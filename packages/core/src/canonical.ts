/**
 * Canonical JSON (RFC 8785, via `canonicalize`) and SHA-256 (via `@noble/hashes`, synchronous and isomorphic)
 * so that a pack's hash, and any record hashed by a host, is the same on every platform.
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Serialises a JSON value canonically (sorted keys, no whitespace, RFC 8785 numbers).
 *
 * @param value - any JSON value
 * @returns the canonical text
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const text = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  if (text === undefined) throw new TypeError('value cannot be serialised as JSON');
  return text;
}

/**
 * SHA-256 of a text as lowercase hex.
 *
 * @example
 * ```ts
 * sha256Hex('abc') // 'ba7816bf...'
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
