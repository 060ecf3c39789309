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
import {
  assembleCanonical, canonicalJson, entryParts, GENESIS_HASH, hashEntry, hashEntryParts, hashPack, hashRecord, sha256Hex, verifyEntries,
  type ActivationEntry, type ChainRow, type DecisionEntry,
} from './canonical.js';
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

describe('format-2 entries (hashEntry)', () => {
  // Computed independently with Python (json.dumps sort_keys, separators (',', ':'), ensure_ascii=False; hashlib).
  const decision: DecisionEntry = {
    format: 2, kind: 'decision', id: '0190f5a2-7c1e-7000-8000-000000000002', recordedAt: '2026-03-01T01:00:00.000Z',
    pack: 'quality-severity', version: '1.0.0', packHash: `sha256:${'ab'.repeat(32)}`, asOf: '2026-03-01T09:00:00+08:00',
    parameters: {}, facts: { claimAmountYuan: 50000, casualties: 0, breakdown: false, note: '质量' },
    outcome: { class: 'major', level: 2 },
    fired: [{ rule: 'level-2-claim', event: { type: 'classify', params: { level: 2 } } }] as unknown as DecisionEntry['fired'],
    messages: { zh: '二级', en: 'Level 2' }, evidence: { format: 'explanation/1', explanation: [] },
    reference: 'CLM-2026-0001', context: { vin: '[masked]', dealer: 'D-17' },
  };
  const activation: ActivationEntry = {
    format: 2, kind: 'activation', id: '0190f5a2-7c1e-7000-8000-000000000003', recordedAt: '2026-03-01T02:00:00.000Z',
    actor: '王工 <wang@example.com>', pack: 'quality-severity', version: '1.1.0', packHash: `sha256:${'cd'.repeat(32)}`,
    previousVersion: '1.0.0', action: 'activate', impact: { checked: 3, changed: 1, failed: 0 },
  };
  const first = 'sha256:e9eb39b498d4f346082b3962e9cf1eaff0f53fa2951d62d27ea95ac475ad440f';
  const second = 'sha256:5d171de2e892d6fbbf0d69b164dc232557383b659b8a8d6391a33bcf1d5a9686';

  it('gives the known-answer hashes of a decision entry and an activation entry chained after it', () => {
    expect(hashEntry(1, GENESIS_HASH, decision)).toBe(first);
    expect(hashEntry(2, first, activation)).toBe(second);
  });

  it('is the hash of canonicalJson({ ...entry, seq, prevHash }), and the assembly from parts gives the same text', () => {
    expect(hashEntry(1, GENESIS_HASH, decision)).toBe(`sha256:${sha256Hex(canonicalJson({ ...decision, seq: 1, prevHash: GENESIS_HASH }))}`);
    const parts = entryParts(decision);
    expect(assembleCanonical(parts)).toBe(canonicalJson(decision));
    expect(hashEntryParts(1, GENESIS_HASH, parts)).toBe(first);
  });

  it('covers every member and the place in the chain, and never equals a format-1 hash of the same content', () => {
    expect(hashEntry(2, GENESIS_HASH, decision)).not.toBe(first);
    expect(hashEntry(1, GENESIS_HASH, { ...decision, reference: 'CLM-2026-0002' })).not.toBe(first);
    expect(hashEntry(1, GENESIS_HASH, { ...decision, context: { vin: 'LSV' } })).not.toBe(first);
    expect(hashEntry(2, first, { ...activation, actor: 'someone else' })).not.toBe(second);
    expect(() => hashEntry(1, GENESIS_HASH, { ...decision, format: 1 } as unknown as DecisionEntry)).toThrow(TypeError);
  });

  it('leaves format-1 record hashes unchanged and verifies a chain of both formats, naming the first broken row', () => {
    const record = {
      decisionId: 'r1', recordedAt: '2026-03-01T00:00:00.000Z', pack: 'p', version: '1.0.0', packHash: 'sha256:00',
      asOf: '2026-03-01T00:00:00.000Z', parameters: {}, facts: {}, outcome: {}, decision: {},
    };
    const h1 = hashRecord(1, GENESIS_HASH, record);
    const h2 = hashEntry(2, h1, decision);
    const h3 = hashEntry(3, h2, activation);
    const rows: ChainRow[] = [
      { format: 1, seq: 1, prevHash: GENESIS_HASH, hash: h1, record },
      { format: 2, seq: 2, prevHash: h1, hash: h2, entry: decision },
      { format: 2, seq: 3, prevHash: h2, hash: h3, entry: activation },
    ];
    expect(verifyEntries(rows)).toEqual({ ok: true, records: 3, head: { seq: 3, hash: h3 } });
    const edited: ChainRow[] = [...rows.slice(0, 2), { ...rows[2], entry: { ...activation, version: '1.0.9' } } as ChainRow];
    expect(verifyEntries(edited)).toMatchObject({ ok: false, records: 2, firstBroken: { seq: 3, id: activation.id, reason: 'hash-mismatch' } });
    expect(verifyEntries([rows[0], rows[2]] as ChainRow[])).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'sequence-gap' } });
    expect(verifyEntries(rows.slice(1), { seq: 1, hash: h1 })).toMatchObject({ ok: true, records: 2 });
  });
});
