/**
 * `validate` and `lint` refuse a pack whose rule carries a misspelt key (`"priorty": 5`): exit 2, and the problem's
 * line names the file, line and column, the JSON pointer, the keys allowed there and "did you mean priority".
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli } from './run-cli.js';

const dir = join(mkdtempSync(join(tmpdir(), 'aftersales-keys-')), 'claim-severity');

beforeAll(() => {
  assertBuilt();
  mkdirSync(dir, { recursive: true });
  const source = join(fixtures, 'claim-severity');
  const pack = JSON.parse(readFileSync(join(source, 'pack.json'), 'utf8')) as { $schema?: string; rules: Array<Record<string, unknown>> };
  delete pack.$schema;
  // The typo on its own line, after the rule's name, so its position is known.
  pack.rules[0] = { name: pack.rules[0]!.name, priorty: 5, ...pack.rules[0] };
  writeFileSync(join(dir, 'pack.json'), `${JSON.stringify(pack, null, 2)}\n`);
  writeFileSync(join(dir, 'claim-severity.test.json'), readFileSync(join(source, 'claim-severity.test.json'), 'utf8'));
});

const line = (text: string) => text.split('\n').find((l) => l.includes('/rules/0/priorty')) ?? '';

describe('a misspelt key in a rule', () => {
  it('validate exits 2 with the pointer and did you mean priority', async () => {
    const r = await runCli(['validate', join(dir, 'pack.json')]);
    expect(r.code).toBe(2);
    const text = readFileSync(join(dir, 'pack.json'), 'utf8');
    const row = text.split('\n').findIndex((l) => l.includes('"priorty"')) + 1;
    expect(line(r.stdout)).toMatch(new RegExp(`pack\\.json:${row}:\\d+ /rules/0/priorty unknown key "priorty": did you mean "priority"\\? \\(allowed: .*priority.*\\) \\[UNKNOWN_KEY\\]`));
  });

  it('lint exits 2 and names the same problem', async () => {
    const r = await runCli(['lint', join(dir, 'pack.json')]);
    expect(r.code).toBe(2);
    expect(line(r.stderr)).toContain('/rules/0/priorty unknown key "priorty": did you mean "priority"?');
  });
});
