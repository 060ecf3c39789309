/**
 * Hostile JSONL lines for the CLI's tests (issue 8): the fast-check arbitrary of one line (random bytes, unicode,
 * invalid JSON, JSON of the wrong type, NaN-like tokens, huge numbers, deep nesting, long lines, `__proto__` /
 * `constructor` keys, blank lines, suite facts of the pack and mutations of them), the documented line rules
 * stated on a whole file, and the record a line should give. Shared by the in-process property test
 * (src/batch.property.test.ts) and the child-process run over a file of 10,000 such lines (test/batch.test.ts).
 */
import fc from 'fast-check';
import type { Pack } from '@aftersales/core';

type Json = Record<string, unknown>;

/** A pack with the `asOf` and the facts (its suite's) that lines are made from. */
export interface Subject {
  pack: Pack;
  asOf: string;
  facts: Json[];
}

/**
 * A subject that fast-check prints by its pack id (not the whole pack) in a counterexample.
 *
 * @example
 * ```ts
 * const s = subject(pack, '2026-01-15T10:00:00+08:00', suite.cases.map((c) => c.facts));
 * ```
 */
export function subject(pack: Pack, asOf: string, facts: Json[]): Subject {
  return { pack, asOf, facts, [fc.toStringMethod]: () => `subject(${pack.id})` } as Subject;
}

const encoder = new TextEncoder();
/** A line's bytes with no `\n` (a `\n` would make two lines; the splitting is what decides that, not the case). */
export const bytesOf = (text: string): Uint8Array => encoder.encode(text).map((b) => (b === 0x0a ? 0x20 : b));

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 1, -1, 0, 'NaN', 'Infinity', '9999-99-99', '2026-02-30', '0000-01-01', '+275760-09-13'),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 3000 }),
);
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '姓名', 'a.b', 'a/b', '~0');
const tokens = fc.constantFrom(
  'NaN', 'Infinity', '-Infinity', 'undefined', 'null', 'true', '0', '-0', '""', '[]', '{}', '1e400', '0x10',
  '{"claimAmountYuan": NaN}', '{"claimAmountYuan": Infinity}', '{"claimAmountYuan": -Infinity}',
  '{"claimAmountYuan": 1e400}', '{"claimAmountYuan": -1e400}', '{"claimAmountYuan": 123456789012345678901234567890}',
  '{"claimAmountYuan": 5e-324}', '{"claimAmountYuan": -0}', '{"claimAmountYuan": 1e308}', "{'claimAmountYuan': 1}",
  '{"claimAmountYuan": 1,}', '{"claimAmountYuan": 01}', '{"claimAmountYuan": "1"}', '{"claimAmountYuan": 1}garbage',
  '{"__proto__": {"polluted": true}}', '{"__proto__": {"polluted": true}, "claimAmountYuan": 5}',
  '{"constructor": {"prototype": {"polluted": true}}}', '{"claimAmountYuan": 1, "__proto__": null}', '{"__proto__": []}',
  '[{"__proto__": {"polluted": 1}}]', '{"toString": 1}', '{"hasOwnProperty": "x", "valueOf": {}}',
  '{"kind": "quality-information", "__proto__": {"level": 1}}', '{"s": "\\ud800"}', '{"s": "\u2028\u2029"}', '{"s": "\u0000"}',
  '\uFEFF{"claimAmountYuan": 1}', '{"claimAmountYuan":1}\r{"claimAmountYuan":2}', 'a\rb', '\u00a0', '\u3000',
  '', ' ', '\t', '  \t ', '\r', '\r\r',
);

/** A line of a case, as text (unicode) or raw bytes. */
export function lineOf(subject: Subject): fc.Arbitrary<Uint8Array> {
  const suiteFacts = fc.constantFrom(...subject.facts);
  const keys = Object.keys((subject.pack.document.facts as { properties?: Json }).properties ?? {});
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), hostileKey) : hostileKey;
  const mutated = fc.tuple(suiteFacts, key, oddValue).map(([facts, k, v]) => {
    const copy: Json = facts && typeof facts === 'object' && !Array.isArray(facts) ? JSON.parse(JSON.stringify(facts)) : {};
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  });
  // Mostly shallow; a quarter deep enough to overflow a recursive walker (about 10,000 frames on Node 20).
  const depth = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 200 }) }, fc.integer({ min: 200, max: 20_000 }));
  return fc.oneof(
    { weight: 4, arbitrary: suiteFacts.map((f) => bytesOf(JSON.stringify(f))) },
    { weight: 4, arbitrary: mutated.map((f) => bytesOf(JSON.stringify(f))) },
    { weight: 2, arbitrary: fc.dictionary(key, oddValue, { maxKeys: 5 }).map((f) => bytesOf(JSON.stringify(f))) },
    { weight: 2, arbitrary: tokens.map(bytesOf) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => bytesOf(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: mutated.map((f) => bytesOf(JSON.stringify(f).slice(0, -1))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(bytesOf) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map(bytesOf) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => (x === 0x0a ? 0x0d : x))) },
    { weight: 1, arbitrary: depth.map((n) => bytesOf(`${'['.repeat(n)}${']'.repeat(n)}`)) },
    { weight: 1, arbitrary: depth.map((n) => bytesOf(`{"claimAmountYuan":${'{"a":'.repeat(n)}1${'}'.repeat(n + 1)}`)) },
    { weight: 1, arbitrary: depth.map((n) => bytesOf('{"a":['.repeat(n))) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 12_000 }).map((n) => bytesOf(JSON.stringify({ claimAmountYuan: 1, note: 'x'.repeat(n) }))) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 5_000 }).map((n) => bytesOf(`{"claimAmountYuan": 1, "note": "${'索'.repeat(n)}"}`)) },
  );
}

/**
 * The lines of a file by the documented rules: a line ends at `\n`; the final `\n` starts no line; one `\r` before
 * `\n` is dropped; a byte-order mark opening the input is dropped. Stated on the whole file, independently of how
 * the batch reads it.
 *
 * @example
 * ```ts
 * linesOf(Buffer.from('a\r\n\nb\n')).map(String) // ['a', '', 'b']
 * ```
 */
export function linesOf(bytes: Buffer): Buffer[] {
  const raw: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    raw.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) raw.push(bytes.subarray(start));
  return raw.map((line, i) => {
    let out = line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
    if (i === 0 && out.length >= 3 && out[0] === 0xef && out[1] === 0xbb && out[2] === 0xbf) out = out.subarray(3);
    return out;
  });
}

/**
 * What one line should give: the decision `evaluateSync` gives for it alone, or an error code.
 *
 * @example
 * ```ts
 * expected(Buffer.from(''), 4096, s) // { code: 'EMPTY_LINE' }
 * ```
 */
export function expected(line: Buffer, maxLineBytes: number, subject: Subject): { record: string } | { code: string } {
  if (line.length > maxLineBytes) return { code: 'LINE_TOO_LONG' };
  const text = line.toString('utf8');
  if (/^[ \t\r]*$/.test(text)) return { code: 'EMPTY_LINE' };
  let facts: unknown;
  try {
    facts = JSON.parse(text);
  } catch {
    return { code: 'INVALID_JSON' };
  }
  try {
    return { record: JSON.stringify(subject.pack.evaluateSync(facts, { asOf: subject.asOf, explain: false })) };
  } catch (error) {
    return { code: String((error as { code?: unknown }).code) };
  }
}

