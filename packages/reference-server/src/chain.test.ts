/**
 * Tests of the hash chain's text: the server's own canonical JSON (`canonicalText`, which the SQLite writer thread
 * runs from source) gives exactly core's `canonicalJson` on random JSON values and on the values JSON cannot hold,
 * and the hash body composed from the column texts is exactly the canonical JSON of the whole record. Property
 * tests with a fixed seed; cases per property `FC_RUNS` (default 10,000).
 */
import fc from 'fast-check';
import { canonicalJson } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { canonicalText, computeRecordHash, GENESIS_HASH, recordColumns, recordHashBody } from './chain.js';
import type { NewDecisionRecord } from './storage/types.js';

const RUNS = Number(process.env.FC_RUNS ?? 10_000);
const SEED = 20261127;

/** Core's answer, or the fact that it refused. */
function both(value: unknown): [string, string] {
  const run = (f: (v: unknown) => string): string => {
    try {
      return f(value);
    } catch {
      return '<refused>';
    }
  };
  return [run(canonicalText), run(canonicalJson)];
}

const odd = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.constantFrom(undefined, -0, 1e21, 1e-7, 5e-324, 2 ** 53 + 2, NaN, Infinity, '\ud800', '\u2028', '"\\'),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    odd,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 5 }),
  ),
})).node;

describe('canonicalText', () => {
  it(`equals core's canonicalJson on random values (${RUNS} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(value, (v) => {
        const [ours, core] = both(v);
        expect(ours).toBe(core);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('orders keys by UTF-16 code units and honours toJSON', () => {
    expect(canonicalText({ b: 1, a: [undefined, 2], '\u00e9': 0, ['é'.normalize('NFD')]: 0, Z: null })).toBe(
      canonicalJson({ b: 1, a: [undefined, 2], '\u00e9': 0, ['é'.normalize('NFD')]: 0, Z: null }),
    );
    expect(canonicalText({ at: new Date('2026-01-01T00:00:00Z') })).toBe('{"at":"2026-01-01T00:00:00.000Z"}');
    expect(() => canonicalText(NaN)).toThrow(TypeError);
  });
});

const text = fc.string({ unit: 'binary', maxLength: 20 });
const record: fc.Arbitrary<NewDecisionRecord> = fc.record({
  decisionId: text,
  recordedAt: text,
  pack: text,
  version: text,
  packHash: text,
  asOf: text,
  parameters: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  facts: fc.jsonValue({ maxDepth: 3 }),
  outcome: fc.jsonValue({ maxDepth: 2 }),
  decision: fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as unknown as fc.Arbitrary<NewDecisionRecord['decision']>,
});

describe('recordHashBody', () => {
  it(`is the canonical JSON of the whole record (${RUNS} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(record, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), text, (r, seq, prevHash) => {
        const whole = canonicalJson({ seq, prevHash, ...r });
        expect(recordHashBody(seq, prevHash, r, recordColumns(r))).toBe(whole);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('gives the first record of a chain a stable hash', () => {
    const r = { decisionId: 'd', recordedAt: 't', pack: 'p', version: '1', packHash: 'h', asOf: 'a', parameters: {}, facts: {}, outcome: {}, decision: {} } as unknown as NewDecisionRecord;
    expect(computeRecordHash(1, GENESIS_HASH, r)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(computeRecordHash(1, GENESIS_HASH, r)).not.toBe(computeRecordHash(2, GENESIS_HASH, r));
  });
});
