/**
 * In-process tests of the batch runner's terminal behaviour: a progress bar only when stderr is a TTY, and the
 * outcome key used for the per-outcome counts. (The 100,000-line run is in test/batch.test.ts, on the built bin.)
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadPack } from '@aftersales/core';
import { outcomeKey, RecordBuffer, runBatch } from './batch.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pack = loadPack(JSON.parse(readFileSync(fileURLToPath(new URL('../test/fixtures/claim-severity/pack.json', import.meta.url)), 'utf8')));

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

async function run(isTTY: boolean, lines: number) {
  const input = new PassThrough();
  input.end(Array.from({ length: lines }, (_, i) => JSON.stringify({ claimAmountYuan: i * 10 })).join('\n'));
  const output = sink(false);
  const stderr = sink(isTTY);
  const summary = await runBatch({ pack, asOf: '2026-01-15T10:00:00+08:00', input, output, stderr });
  return { summary, output: output.text(), stderr: stderr.text() };
}

describe('runBatch', () => {
  it('draws a progress line on a TTY', async () => {
    const { stderr, summary } = await run(true, 600);
    expect(summary.decided).toBe(600);
    expect(stderr).toMatch(/\r600 lines, 0 errors, [\d,]+\/s\x1b\[K\n$/);
  });

  it('writes nothing to a stderr that is not a terminal', async () => {
    const { stderr, output } = await run(false, 300);
    expect(stderr).toBe('');
    expect(output.trim().split('\n')).toHaveLength(300);
  });
});

describe('outcomeKey', () => {
  it('keeps the primitive fields of an outcome', () => {
    expect(outcomeKey({ class: 'major', level: 2, actions: [{ id: 'x' }] })).toBe('class=major level=2');
    expect(outcomeKey({ actions: [] })).toBe('{"actions":[]}');
  });
});

describe('RecordBuffer', () => {
  it('hands out a full buffer when the next record may not fit, and a record larger than a buffer on its own', () => {
    const records = new RecordBuffer(16);
    expect(records.add('"ab"')).toBeUndefined(); // 5 bytes with \n; room reserved: 3 per unit + 1
    const full = records.add('"索赔"'); // may need 13 bytes: 5 + 13 > 16
    expect(full?.toString('utf8')).toBe('"ab"\n');
    const big = records.add('x'.repeat(20)); // larger than a buffer: joined to what was held, alone after it
    expect(big?.toString('utf8')).toBe(`"索赔"\n${'x'.repeat(20)}\n`);
    expect(records.empty).toBe(true);
    records.add('1');
    expect(records.take().toString('utf8')).toBe('1\n');
    expect(records.take().length).toBe(0);
  });
});
