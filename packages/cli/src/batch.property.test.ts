/**
 * Property test of the CLI's JSONL boundary (issue 8), in-process through the batch machinery itself
 * ({@link runBatch} over an in-memory stream cut into random chunks, anywhere, even inside a UTF-8 character).
 * Each case is a few hostile lines — random bytes (invalid UTF-8 included), random unicode, invalid JSON, valid
 * JSON of the wrong type, NaN-like tokens, huge numbers, deep nesting, lines longer than the limit, `__proto__` /
 * `constructor` keys, blank lines, a `\r` inside a line — mixed with the packs' own suite facts and mutations of
 * them, joined with LF or CRLF, with or without a byte-order mark and a final line break, decided by one of four
 * packs (a fixture, quality-severity, escalation which requires it, warranty-car with dates and calculators).
 * Property: one record per line in order; each the very decision `pack.evaluateSync` gives for that line alone,
 * or an error record `{line, error: {code, message: {zh, en}, problems[{path}]}}` with the line's number and a typed code
 * (never `INTERNAL`); the summary agrees; the batch ends (vitest's timeout is the hang guard); `Object.prototype`
 * is unchanged. Fixed seed; 10,000 cases under `pnpm test:long`, 1,000 per commit (scripts/property-runs.mjs).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../scripts/property-runs.mjs';
import { loadPack } from '@aftersales/core';
import { loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { runBatch } from './batch.js';
import { bytesOf, expected, lineOf, linesOf, subject, type Subject } from '../test/hostile-lines.js';

const { numRuns: RUNS, seed: SEED } = propertyRuns('cli: one record per JSONL line', { full: 10_000, perCommit: 1_000, seed: 20261127 });

type Json = Record<string, unknown>;

const fixtureDir = fileURLToPath(new URL('../test/fixtures/claim-severity/', import.meta.url));
const fixtureSuite = JSON.parse(readFileSync(`${fixtureDir}claim-severity.test.json`, 'utf8')) as { asOf: string; cases: Array<{ facts: Json }> };
const bundled = loadBundledPacks();
const subjects: Subject[] = [
  subject(loadPack(JSON.parse(readFileSync(`${fixtureDir}pack.json`, 'utf8'))), fixtureSuite.asOf, fixtureSuite.cases.map((c) => c.facts)),
  ...['quality-severity', 'escalation', 'warranty-car'].map((id) => {
    const suite = getSuite(id)!;
    return subject(bundled.get(id)!, suite.asOf!, suite.cases.map((c) => c.facts as Json));
  }),
];

interface Case {
  subject: Subject;
  lines: Uint8Array[];
  crlf: boolean[];
  finalBreak: boolean;
  bom: boolean;
  maxLineBytes: number;
  cuts: number[];
}

/** A line whose length in bytes is within 3 of the limit (only for the small limits). */
function nearLimit(maxLineBytes: number): fc.Arbitrary<Uint8Array> {
  const head = '{"claimAmountYuan":1,"p":"';
  return fc.integer({ min: maxLineBytes - 3, max: maxLineBytes + 3 }).map((n) => bytesOf(`${head}${'x'.repeat(n - head.length - 2)}"}`));
}

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(
    fc.constantFrom(...subjects),
    fc.oneof({ weight: 5, arbitrary: fc.constant(8 * 1024 * 1024) }, { weight: 2, arbitrary: fc.constant(4096) }, { weight: 1, arbitrary: fc.constant(64) }),
  )
  .chain(([subject, maxLineBytes]) =>
    fc.record({
      subject: fc.constant(subject),
      lines: fc.array(maxLineBytes < 8 * 1024 * 1024 ? fc.oneof({ weight: 4, arbitrary: lineOf(subject) }, nearLimit(maxLineBytes)) : lineOf(subject), {
        minLength: 0,
        maxLength: 6,
      }),
      crlf: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      finalBreak: fc.boolean(),
      bom: fc.boolean(),
      maxLineBytes: fc.constant(maxLineBytes),
      cuts: fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 8 }),
    }),
  );

/** The file's bytes, and the lines a reader of the documented rules sees in it. */
function fileOf(c: Case): { bytes: Buffer; lines: Buffer[] } {
  const parts: Buffer[] = [];
  if (c.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  c.lines.forEach((line, i) => {
    parts.push(Buffer.from(line));
    if (i < c.lines.length - 1 || c.finalBreak) parts.push(Buffer.from(c.crlf[i] ? '\r\n' : '\n'));
  });
  const bytes = Buffer.concat(parts);
  return { bytes, lines: linesOf(bytes) };
}

/** The input cut into chunks of the case's sizes, cycled. */
function chunksOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = cuts[i % cuts.length]!;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  }) as Writable & { text: () => string };
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayProtoNames = Object.getOwnPropertyNames(Array.prototype).sort();

async function check(c: Case): Promise<void> {
  const { bytes, lines } = fileOf(c);
  const output = sink();
  const stderr = sink();
  const summary = await runBatch({
    pack: c.subject.pack,
    asOf: c.subject.asOf,
    input: Readable.from(chunksOf(bytes, c.cuts)),
    output,
    stderr,
    maxLineBytes: c.maxLineBytes,
  });
  const text = output.text();
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const records = text === '' ? [] : text.slice(0, -1).split('\n');
  expect(records).toHaveLength(lines.length);
  expect(summary.lines).toBe(lines.length);
  const errorLines: number[] = [];
  records.forEach((record, i) => {
    const want = expected(lines[i]!, c.maxLineBytes, c.subject);
    if ('record' in want) {
      expect(record).toBe(want.record);
      return;
    }
    errorLines.push(i + 1);
    const parsed = JSON.parse(record) as { line: number; error: { code: string; message: { zh: string; en: string }; problems: Array<{ path: unknown }> } };
    expect(Object.keys(parsed)).toEqual(['line', 'error']);
    expect(parsed.line).toBe(i + 1);
    expect(parsed.error.code).toBe(want.code);
    expect(parsed.error.code).not.toBe('INTERNAL');
    // Core's one error body: the message in Chinese and English.
    expect(parsed.error.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(typeof parsed.error.message.en).toBe('string');
    expect(parsed.error.problems.length).toBeGreaterThan(0);
    for (const p of parsed.error.problems) expect(typeof p.path).toBe('string');
  });
  expect(summary.errors).toBe(errorLines.length);
  expect(summary.decided).toBe(lines.length - errorLines.length);
  expect(summary.errorLines).toEqual(errorLines);
  expect(stderr.text()).toBe('');
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayProtoNames);
  expect(({} as Json).polluted).toBeUndefined();
  expect(({} as Json).level).toBeUndefined();
}

describe('JSONL lines through the batch (property)', () => {
  it(`one record per line: the line's decision or a typed error with its number (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(caseArb, check), { numRuns: RUNS, seed: SEED });
  }, 600_000);

  it('states the line rules on fixed examples: CRLF, a BOM, blank lines, a final line with and without a break', async () => {
    const subject = subjects[0]!;
    const lines = ['{"claimAmountYuan": 60000}', '', '  ', '{"claimAmountYuan": 5}'];
    const c = (text: string) =>
      runBatch({ pack: subject.pack, asOf: subject.asOf, input: Readable.from([Buffer.from(text)]), output: sink(), stderr: sink() });
    const lf = await c(`${lines.join('\n')}\n`);
    const crlf = await c(`\uFEFF${lines.join('\r\n')}\r\n`);
    const unterminated = await c(lines.join('\n'));
    for (const s of [lf, crlf, unterminated]) {
      expect(s).toMatchObject({ lines: 4, decided: 2, errors: 2, errorLines: [2, 3] });
    }
    // A blank line after the last break is a line: the file's final \n is the only one that starts nothing.
    expect((await c(`${lines.join('\n')}\n\n`)).lines).toBe(5);
    expect((await c('')).lines).toBe(0);
    expect((await c('\n')).lines).toBe(1);
  });
});
