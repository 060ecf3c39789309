/**
 * `aftersales import json-rules-engine` end to end on the built bin: a folder mixing one rule per file, a rule
 * array and an engine export becomes a pack folder whose own suite passes `aftersales test`; what could not be
 * carried over is in the report; bad usage exits 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const input = join(fixtures, 'jre-rules');
const tmp = mkdtempSync(join(tmpdir(), 'aftersales-import-'));

beforeAll(() => assertBuilt());

describe('aftersales import json-rules-engine', () => {
  it('writes a pack folder whose suite passes aftersales test (round trip)', async () => {
    const out = join(tmp, 'returns');
    const imported = await runCli(['import', 'json-rules-engine', input, '--id', 'returns', '--out', out, '--effective-from', '2026-01-01']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported 4/6 rules');
    const pack = JSON.parse(readFileSync(join(out, 'pack.json'), 'utf8'));
    expect(pack.rules.map((r: { name: string }) => r.name)).toEqual(['return-within-7-days', 'defect-exchange', 'not-returnable', 'loyal-customer']);
    const suite = JSON.parse(readFileSync(join(out, 'returns.test.json'), 'utf8'));
    expect(suite.cases).toHaveLength(8);

    const tested = await runCli(['test', join(out, 'pack.json')]);
    expect(tested.stdout).toContain('PASS: 8/8');
    expect(tested.code).toBe(0);

    const report = readFileSync(join(out, 'IMPORT-REPORT.md'), 'utf8');
    expect(report).toContain('**custom-operator** —');
    expect(report).toContain('operator "startsWith"');
    expect(report).toContain('**dynamic-fact** —');
    expect(report).toContain('**callback** —');
  });

  it('--conditions reads the shared conditions host code registers, --replace-facts-in-event-params writes the option', async () => {
    const dir = join(tmp, 'shared-in');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ name: 'adult', conditions: { condition: 'isAdult' }, event: { type: 'adult', params: { age: { fact: 'age' } } } }]));
    const conditions = join(tmp, 'conditions.json');
    writeFileSync(conditions, JSON.stringify({ isAdult: { all: [{ fact: 'age', operator: 'greaterThanInclusive', value: 18 }] } }));
    const out = join(tmp, 'shared-out');
    const r = await runInProcess(['import', 'json-rules-engine', dir, '--conditions', conditions, '--replace-facts-in-event-params', '--id', 'adults', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('imported 1/1 rules');
    const pack = JSON.parse(readFileSync(join(out, 'pack.json'), 'utf8'));
    expect(pack).toMatchObject({ replaceFactsInEventParams: true, conditions: { isAdult: { all: [{ fact: 'age' }] } } });
    const tested = await runCli(['test', join(out, 'pack.json')]);
    expect(tested.code, tested.stdout).toBe(0);
    writeFileSync(conditions, '[]');
    const bad = await runInProcess(['import', 'json-rules-engine', dir, '--conditions', conditions, '--id', 'adults', '--out', out, '--force']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--conditions');
  });

  it('refuses to overwrite a pack without --force', async () => {
    const out = join(tmp, 'twice');
    expect((await runInProcess(['import', 'json-rules-engine', input, '--id', 'twice', '--out', out])).code).toBe(0);
    const again = await runInProcess(['import', 'json-rules-engine', input, '--id', 'twice', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect((await runInProcess(['import', 'json-rules-engine', input, '--id', 'twice', '--out', out, '--force'])).code).toBe(0);
  });

  it.each([
    [['import', 'yaml-rules', input, '--id', 'x', '--out', 'y'], 'unknown format'],
    [['import', 'json-rules-engine', input, '--id', 'Not Kebab', '--out', 'y'], 'kebab-case'],
    [['import', 'json-rules-engine', input, '--id', 'x'], '--out'],
    [['import', 'json-rules-engine', '--id', 'x', '--out', 'y'], 'one file or directory'],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('exits 2 with a structured error on a file that is not JSON', async () => {
    const r = await runInProcess(['import', 'json-rules-engine', join(fixtures, 'junit.xsd'), '--id', 'x', '--out', join(tmp, 'bad')]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'INVALID_JSON' });
    expect(existsSync(join(tmp, 'bad', 'pack.json'))).toBe(false);
  });
});
