/**
 * Property-based tests (fast-check) at core's boundaries: random and mutated packs into `loadPack`, random and
 * mutated facts into `evaluate`. Property: each call returns a value or throws one of the typed errors (an
 * AftersalesError with a code and problems that carry a JSON pointer); never anything else, and no prototype is
 * changed. Fixed seeds; case counts (full under `pnpm test:long`, a sample per commit) are stated beside each
 * property and in docs/reliability.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../scripts/property-runs.mjs';
import severityFixture from '../test/fixtures/severity.pack.json';
import { AftersalesError } from './errors.js';
import { loadPack } from './pack.js';

const asOf = '2026-03-01T09:00:00+08:00';
const pack = loadPack(severityFixture);

function isTypedError(error: unknown): boolean {
  return (
    error instanceof AftersalesError &&
    typeof error.code === 'string' &&
    Array.isArray(error.problems) &&
    error.problems.every((p) => typeof p.path === 'string' && (p.path === '' || p.path.startsWith('/')) && typeof p.message === 'string')
  );
}

const hostileKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'casualties', 'claimAmountYuan', 'breakdown'));
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, -1e308, 2 ** 53 + 1, '2026-02-30', '9999-12-31T23:59:59Z', '\u0000', 'ℌ𝔢𝔩𝔩𝔬'),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 50 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function protoIntact() {
  return (
    ({} as Record<string, unknown>).polluted === undefined &&
    Object.getPrototypeOf({}) === Object.prototype &&
    typeof Object.prototype.toString === 'function'
  );
}

// Full counts under `pnpm test:long`, a seeded sample per commit (scripts/property-runs.mjs).
const randomJson = propertyRuns('core: loadPack on random JSON returns a Pack or throws PackValidationError', { full: 10_000, perCommit: 2_000, seed: 20261127 });
const mutatedPack = propertyRuns('core: loadPack on mutated valid packs returns a Pack or a typed error', { full: 10_000, perCommit: 1_000, seed: 11272026 });
const randomFacts = propertyRuns('core: evaluate on random facts returns a decision or a typed error', { full: 10_000, perCommit: 2_000, seed: 424242 });
const mutatedFacts = propertyRuns('core: evaluate on mutated valid facts and parameters returns a decision or a typed error', { full: 10_000, perCommit: 2_000, seed: 7 });

describe('properties', () => {
  it(`loadPack on random JSON returns a Pack or throws PackValidationError (${randomJson.numRuns} cases, seed ${randomJson.seed})`, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
        try {
          loadPack(doc);
        } catch (error) {
          expect(isTypedError(error)).toBe(true);
          expect((error as AftersalesError).code).toBe('INVALID_PACK');
        }
        expect(protoIntact()).toBe(true);
      }),
      { seed: randomJson.seed, numRuns: randomJson.numRuns },
    );
  });

  it(`loadPack on mutated valid packs returns a Pack or a typed error (${mutatedPack.numRuns} cases, seed ${mutatedPack.seed})`, () => {
    const paths: string[][] = [];
    const walk = (v: unknown, at: string[]) => {
      paths.push(at);
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...at, k]);
    };
    walk(severityFixture, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), hostileValue, (path, replacement) => {
        const doc = JSON.parse(JSON.stringify(severityFixture)) as Record<string, unknown>;
        let target: Record<string, unknown> = doc;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        target[path[path.length - 1]!] = replacement;
        try {
          loadPack(doc);
        } catch (error) {
          expect(isTypedError(error)).toBe(true);
        }
        expect(protoIntact()).toBe(true);
      }),
      { seed: mutatedPack.seed, numRuns: mutatedPack.numRuns },
    );
  });

  it(`evaluate on random facts returns a decision or a typed error (${randomFacts.numRuns} cases, seed ${randomFacts.seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, fc.dictionary(hostileKey, hostileValue, { maxKeys: 6 })), async (facts) => {
        try {
          const decision = await pack.evaluate(facts, { asOf });
          expect(['general', 'major']).toContain(decision.outcome.class);
        } catch (error) {
          expect(isTypedError(error)).toBe(true);
          expect((error as AftersalesError).code).toBe('INVALID_FACTS');
        }
        expect(protoIntact()).toBe(true);
      }),
      { seed: randomFacts.seed, numRuns: randomFacts.numRuns },
    );
  });

  it(`evaluate on mutated valid facts and parameters returns a decision or a typed error (${mutatedFacts.numRuns} cases, seed ${mutatedFacts.seed})`, async () => {
    const valid = fc.record({ casualties: fc.nat(3), claimAmountYuan: fc.nat(100_000), breakdown: fc.boolean() }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(valid, fc.constantFrom('casualties', 'claimAmountYuan', 'breakdown', '__proto__'), hostileValue, fc.option(fc.dictionary(hostileKey, hostileValue, { maxKeys: 2 })), async (facts, key, value, parameters) => {
        const mutated: Record<string, unknown> = { ...facts };
        Object.defineProperty(mutated, key, { value, enumerable: true, configurable: true, writable: true });
        try {
          const decision = await pack.evaluate(mutated, { asOf, ...(parameters ? { parameters } : {}) });
          expect(decision.pack).toBe('mini-severity');
        } catch (error) {
          expect(isTypedError(error)).toBe(true);
          expect(['INVALID_FACTS', 'INVALID_PARAMETERS']).toContain((error as AftersalesError).code);
        }
        expect(protoIntact()).toBe(true);
      }),
      { seed: mutatedFacts.seed, numRuns: mutatedFacts.numRuns },
    );
  });
});
