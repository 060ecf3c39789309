/**
 * Canonical JSON (RFC 8785) and the hashes built on it, with known answers fixed in the test: RFC 8785's own
 * examples, SHA-256 of "abc" (FIPS 180-2), the hash of a pack document and the hash of a decision record, each
 * computed independently of this code (Python's json.dumps with sorted keys and hashlib) when the vector was
 * written. A changed answer means every stored pack hash or chain link would change: it must fail here.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { canonicalJson, GENESIS_HASH, hashPack, hashRecord, sha256Hex } from './canonical.js';
import { loadPack } from './pack.js';

describe('canonicalJson', () => {
  it('writes RFC 8785’s example (numbers, escapes, literals) as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const text = canonicalJson(Object.fromEntries(keys.map((k, i) => [k, i])));
    expect(text).toBe('{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}');
  });

  it('leaves out undefined members, writes undefined array items as null, honours toJSON, refuses NaN', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, new Date(0)] })).toBe('{"a":[null,"1970-01-01T00:00:00.000Z"]}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });

  it('gives the same text as the canonicalize library on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe((canonicalize as unknown as (v: unknown) => string)(value));
      }),
      { numRuns: 2000, seed: 8785 },
    );
  });
});

describe('known-answer hashes', () => {
  it('SHA-256 of "abc" (FIPS 180-2 example)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the hash of a pack document (test/fixtures/severity.pack.json), as loadPack reports it', () => {
    const expected = 'sha256:61cec367e9e1310e0e72c877bb4fcda0b6325aefa2994b99194a93ae34b8beb8';
    expect(hashPack(severityFixture)).toBe(expected);
    expect(loadPack(severityFixture).packHash).toBe(expected);
    // Key order is not content; content is.
    const reordered = Object.fromEntries(Object.entries(severityFixture).reverse());
    expect(hashPack(reordered)).toBe(expected);
    expect(hashPack({ ...severityFixture, version: '1.0.1' })).not.toBe(expected);
  });

  it('the hash of a decision record, the first of its chain', () => {
    const record = {
      decisionId: '0190f5a2-7c1e-7000-8000-000000000001',
      recordedAt: '2026-03-01T01:00:00.000Z',
      pack: 'quality-severity',
      version: '1.0.0',
      packHash: `sha256:${'ab'.repeat(32)}`,
      asOf: '2026-03-01T09:00:00+08:00',
      parameters: {},
      facts: { claimAmountYuan: 50000, casualties: 0, breakdown: false, note: '质量' },
      outcome: { class: 'major', level: 2 },
      decision: { fired: [{ rule: 'level-2-claim' }], messages: { zh: '二级', en: 'Level 2' } },
    };
    const hash = hashRecord(1, GENESIS_HASH, record);
    expect(hash).toBe('sha256:3672b6cff5cb27b511086ed88bf2cf661e202c9ce7115234a12853601b9e7153');
    // Its place in the chain and every field are covered.
    expect(hashRecord(2, GENESIS_HASH, record)).not.toBe(hash);
    expect(hashRecord(1, hash, record)).not.toBe(hash);
    expect(hashRecord(1, GENESIS_HASH, { ...record, facts: { ...record.facts, casualties: 1 } })).not.toBe(hash);
    // Members outside the record's content are not.
    expect(hashRecord(1, GENESIS_HASH, { ...record, extra: 1 } as typeof record)).toBe(hash);
  });
});
