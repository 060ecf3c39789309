/**
 * How `aftersales validate` prints a problem: after the pointer, message and code, the value found, the values
 * allowed there and, for a near miss, "did you mean" — a misspelt hit policy, an enum value that is not one of the
 * fact's, a misspelt operator.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-problems-'));

/** A copy of the fixture pack, changed by `edit`, written to its own folder. */
function packFile(name: string, edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(join(fixtures, 'claim-severity/pack.json'), 'utf8')) as Record<string, any>;
  edit(doc);
  mkdirSync(join(tmp, name), { recursive: true });
  const file = join(tmp, name, 'pack.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

describe('aftersales validate prints what it found and what would do', () => {
  it('a misspelt hit policy: the value found and the closest policy', async () => {
    const r = await runInProcess(['validate', packFile('frist', (doc) => (doc.hitPolicy = 'frist'))]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\/hitPolicy must be one of "first", "collect", "unique" \[schema\.enum\] \(found "frist"; did you mean "first"\?\)/);
  });

  it('a misspelt operator: the operator found, the operators allowed and the closest', async () => {
    const r = await runInProcess(['validate', packFile('operator', (doc) => (doc.rules[0].conditions.all[0].operator = 'greaterThen'))]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\/rules\/0\/conditions\/all\/0\/operator .*\[UNKNOWN_OPERATOR\] \(found "greaterThen"; allowed: equal, notEqual, .*; did you mean "greaterThan"\?\)/);
  });

  it('a string compared with an integer fact: refused with the value found', async () => {
    const r = await runInProcess(['validate', packFile('type', (doc) => {
      const leaf = doc.rules[0].conditions.all[0];
      leaf.value = 'one';
    })]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\/rules\/0\/conditions\/all\/0\/value .*\[TYPE_MISMATCH\] \(found "one"\)/);
  });
});
