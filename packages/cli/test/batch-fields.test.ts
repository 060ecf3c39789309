/**
 * `eval --input --fields`: each record keeps the listed decision fields in the order listed, the explanation only
 * when it is listed, the default record stays the whole decision; an unknown field is a usage error naming the
 * closest field. In process (the same `runCli` as the bin).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-fields-'));
const asOf = '2026-01-15T10:00:00+08:00';
const input = join(tmp, 'claims.jsonl');
writeFileSync(input, `${JSON.stringify({ claimAmountYuan: 50000 })}\n${JSON.stringify({ claimAmountYuan: 1 })}\n`);

async function records(extra: string[], name: string): Promise<Array<Record<string, unknown>>> {
  const output = join(tmp, name);
  const res = await runInProcess(['eval', 'quality-severity', '--input', input, '--output', output, '--as-of', asOf, ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('eval --input --fields', () => {
  it('keeps only the listed fields, in the order listed, with the same values as the whole decision', async () => {
    const whole = await records([], 'whole.jsonl');
    const picked = await records(['--fields', 'messages,outcome,fired'], 'picked.jsonl');
    expect(picked.map((r) => Object.keys(r))).toEqual([['messages', 'outcome', 'fired'], ['messages', 'outcome', 'fired']]);
    picked.forEach((r, i) => expect(r).toEqual({ messages: whole[i]!.messages, outcome: whole[i]!.outcome, fired: whole[i]!.fired }));
  });

  it('writes the whole decision by default, its explanation empty, and the explanation when it is listed', async () => {
    const whole = await records([], 'default.jsonl');
    expect(Object.keys(whole[0]!)).toEqual(['pack', 'version', 'packHash', 'asOf', 'parameters', 'outcome', 'fired', 'derived', 'explanation', 'messages']);
    expect(whole[0]!.explanation).toEqual([]);
    const explained = await records(['--fields', 'outcome,explanation'], 'explained.jsonl');
    expect((explained[0]!.explanation as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses an unknown field with the closest one, exit 2', async () => {
    const res = await runInProcess(['eval', 'quality-severity', '--input', input, '--output', join(tmp, 'x.jsonl'), '--as-of', asOf, '--fields', 'outcome,messagse']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('did you mean "messages"');
  });
});
