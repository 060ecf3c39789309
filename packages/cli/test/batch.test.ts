/**
 * Batch evaluation at size, on the built bin: 100,000 generated claims with a few malformed lines go through
 * `aftersales eval --input ... --output ...`; every good line is decided in order, every bad line yields an error
 * record with its number, the closing summary counts them, and the peak memory is logged and compared with a
 * run ten times smaller (streaming: memory must not grow with the input). Then a file of 10,000 hostile lines
 * (issue 8; the lines of the in-process property test, fixed seed) goes through the bin once on one thread and
 * once on two worker threads: the outputs are byte-identical and each record is what the line alone gives.
 */
import fc from 'fast-check';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { expected, lineOf, linesOf, subject } from './hostile-lines.js';
import { assertBuilt, fixtures, runCli } from './run-cli.js';

const pack = join(fixtures, 'claim-severity/pack.json');
const asOf = '2026-01-15T10:00:00+08:00';
const tmp = mkdtempSync(join(tmpdir(), 'aftersales-batch-'));

/** The level the fixture pack gives a claim (the test's own statement of the policy). */
const expectedLevel = (amount: number, breakdown: boolean): number | null =>
  amount >= 50000 ? 2 : amount >= 10000 || breakdown ? 3 : null;

interface Generated {
  file: string;
  bad: Map<number, string>;
  claims: Array<{ amount: number; breakdown: boolean } | undefined>;
}

/** Writes `count` JSONL claims; lines in `bad` are malformed (not JSON, or facts the pack refuses). */
function generate(count: number, name: string): Generated {
  const bad = new Map<number, string>([
    [1, 'INVALID_JSON'],
    [777, 'INVALID_FACTS'],
    [Math.floor(count / 2), 'INVALID_JSON'],
    [count - 3, 'INVALID_FACTS'],
    [count, 'INVALID_JSON'],
  ]);
  const claims: Generated['claims'] = [undefined];
  const lines: string[] = [];
  for (let line = 1; line <= count; line++) {
    const kind = bad.get(line);
    if (kind === 'INVALID_JSON') {
      lines.push(line === count ? '{"claimAmountYuan": 12' : 'claimAmountYuan=12');
      claims.push(undefined);
    } else if (kind === 'INVALID_FACTS') {
      lines.push(JSON.stringify({ claimAmountYuan: -line }));
      claims.push(undefined);
    } else {
      const amount = (line * 7919) % 90001;
      const breakdown = line % 13 === 0;
      lines.push(JSON.stringify({ claimAmountYuan: amount, breakdown }));
      claims.push({ amount, breakdown });
    }
  }
  const file = join(tmp, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, bad, claims };
}

const peakRss = (stderr: string): number => Number(/peak RSS (\d+) MiB/.exec(stderr)?.[1]);

beforeAll(() => assertBuilt());

describe('aftersales eval --input (batch)', () => {
  it('decides 100,000 lines in order, reports each malformed line by number, and keeps memory flat', async () => {
    const big = generate(100_000, 'claims-100k.jsonl');
    const out = join(tmp, 'decisions-100k.jsonl');
    const r = await runCli(['eval', pack, '--input', big.file, '--output', out, '--as-of', asOf]);
    console.log(r.stderr.split('\n')[0]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');

    let line = 0;
    let decided = 0;
    const errors = new Map<number, string>();
    for await (const text of createInterface({ input: createReadStream(out), crlfDelay: Infinity })) {
      line++;
      const record = JSON.parse(text);
      const claim = big.claims[line];
      if (claim) {
        expect(record.outcome?.level, `line ${line}`).toBe(expectedLevel(claim.amount, claim.breakdown));
        expect(record.asOf).toBe(asOf);
        decided++;
      } else {
        expect(record.line).toBe(line);
        errors.set(record.line, record.error.code);
      }
    }
    expect(line).toBe(100_000);
    expect(decided).toBe(100_000 - big.bad.size);
    expect(errors).toEqual(big.bad);
    expect(r.stderr).toContain(`batch: 100,000 lines, ${(100_000 - big.bad.size).toLocaleString('en-US')} decided, 5 errors`);
    expect(r.stderr).toContain(`errors on lines / 出错的行: ${[...big.bad.keys()].sort((a, b) => a - b).join(', ')}`);
    expect(r.stderr).toMatch(/^ {2}class=major level=2: [\d,]+$/m);
    expect(r.stderr).toMatch(/\([\d,]+ lines\/s, peak RSS \d+ MiB\)/);

    // Streaming: ten times the input must not need anywhere near ten times the memory.
    const small = generate(10_000, 'claims-10k.jsonl');
    const s = await runCli(['eval', pack, '--input', small.file, '--output', join(tmp, 'decisions-10k.jsonl'), '--as-of', asOf]);
    console.log(`peak RSS: ${peakRss(s.stderr)} MiB for 10,000 lines, ${peakRss(r.stderr)} MiB for 100,000 lines`);
    expect(peakRss(r.stderr)).toBeGreaterThan(0);
    expect(peakRss(r.stderr)).toBeLessThan(peakRss(s.stderr) * 2);
  });
});

describe('aftersales eval --input with 10,000 hostile lines', () => {
  it('writes one record per line, the same on one thread and on two workers, each what the line alone gives', async () => {
    // escalation requires quality-severity: the workers load both documents.
    const suite = getSuite('escalation')!;
    const escalation = subject(loadBundledPacks().get('escalation')!, suite.asOf!, suite.cases.map((c) => c.facts as Record<string, unknown>));
    const lines = fc.sample(lineOf(escalation), { numRuns: 10_000, seed: 20261127 });
    // A byte-order mark, LF and CRLF mixed, and no final line break.
    const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
    lines.forEach((line, i) => {
      parts.push(Buffer.from(line));
      if (i < lines.length - 1) parts.push(Buffer.from(i % 3 === 0 ? '\r\n' : '\n'));
    });
    const bytes = Buffer.concat(parts);
    const file = join(tmp, 'hostile.jsonl');
    writeFileSync(file, bytes);
    const maxLineBytes = 4096;
    const args = (out: string, workers: number) =>
      ['eval', 'escalation', '--input', file, '--output', out, '--as-of', escalation.asOf, '--max-line-bytes', String(maxLineBytes), '--workers', String(workers)];
    const one = await runCli(args(join(tmp, 'hostile-1.jsonl'), 1));
    const two = await runCli(args(join(tmp, 'hostile-2.jsonl'), 2));
    expect(one.code, one.stderr).toBe(1);
    expect(two.code, two.stderr).toBe(1);
    const output = readFileSync(join(tmp, 'hostile-1.jsonl'));
    expect(readFileSync(join(tmp, 'hostile-2.jsonl')).equals(output)).toBe(true);

    const want = linesOf(bytes);
    expect(want).toHaveLength(10_000);
    const records = output.toString('utf8').split('\n');
    expect(records.pop()).toBe('');
    expect(records).toHaveLength(want.length);
    const codes = new Map<string, number>();
    let decided = 0;
    records.forEach((record, i) => {
      const w = expected(want[i]!, maxLineBytes, escalation);
      if ('record' in w) {
        expect(record, `line ${i + 1}`).toBe(w.record);
        decided++;
      } else {
        const parsed = JSON.parse(record);
        expect(parsed, `line ${i + 1}`).toMatchObject({ line: i + 1, error: { code: w.code } });
        codes.set(w.code, (codes.get(w.code) ?? 0) + 1);
      }
    });
    console.log(`hostile lines: ${decided} decided, errors ${JSON.stringify(Object.fromEntries(codes))}`);
    // The mix reaches every kind of record.
    expect(decided).toBeGreaterThan(1000);
    for (const code of ['INVALID_JSON', 'INVALID_FACTS', 'EMPTY_LINE', 'LINE_TOO_LONG']) expect(codes.get(code), code).toBeGreaterThan(0);
    expect(two.stderr).toContain('; 2 worker threads)');
    expect(one.stderr).not.toContain('worker threads');
    for (const r of [one, two]) {
      expect(r.stderr).toContain(`batch: 10,000 lines, ${decided.toLocaleString('en-US')} decided, ${(10_000 - decided).toLocaleString('en-US')} errors`);
    }
  });
});
