/**
 * A pack loaded from a file counts working days on China's calendar, as a bundled pack does: `eval` (one decision
 * and a batch on worker threads) and `test` on a pack file that declares `add-working-days`. `--calendar` gives the
 * host's calendar: with China's id it adds years (the one the State Council has just published), and an invalid
 * file is a structured error with exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chinaWorkingDayCalendar } from '@aftersales/rules';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const pack = join(fixtures, 'working-days/pack.json');
const dir = mkdtempSync(join(tmpdir(), 'aftersales-calendar-'));
const write = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const due = (stdout: string): unknown => (JSON.parse(stdout) as { outcome: { replyDueDate: unknown } }).outcome.replyDueDate;
const nextYear = chinaWorkingDayCalendar.lastYear + 1;

beforeAll(() => assertBuilt());

describe('working days of a pack file', () => {
  it('eval counts the make-up Saturday and skips the Spring Festival week of 2026 (not Mon–Fri)', async () => {
    const r = await runInProcess(['eval', pack, '--facts', '{"receivedDate":"2026-02-13"}', '--as-of', '2026-02-13T10:00:00+08:00']);
    expect(r.code).toBe(0);
    // Mon–Fri would give 2026-02-24; the 14th and 28th are worked Saturdays, the 15th–23rd days off.
    expect(due(r.stdout)).toBe('2026-03-02');
  });

  it('eval skips the National Day week of 2025 and counts its make-up Saturday 11 October', async () => {
    const r = await runInProcess(['eval', pack, '--facts', '{"receivedDate":"2025-09-30"}', '--as-of', '2025-09-30T10:00:00+08:00']);
    expect(r.code).toBe(0);
    // 1–8 October off; 9, 10, 11 (Saturday, worked), 13, 14, 15, 16.
    expect(due(r.stdout)).toBe('2025-10-16');
  });

  it('a batch decided on two worker threads counts the same calendar as the main thread', async () => {
    const lines = ['2026-02-13', '2025-09-30'].map((d) => JSON.stringify({ receivedDate: d })).join('\n');
    const input = write('claims.jsonl', `${lines}\n`);
    const r = await runCli(['eval', pack, '--input', input, '--workers', '2', '--fields', 'outcome', '--as-of', '2026-01-05T10:00:00+08:00']);
    expect(r.code).toBe(0);
    const outcomes = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { outcome: { replyDueDate: string } }).outcome.replyDueDate);
    expect(outcomes).toEqual(['2026-03-02', '2025-10-16']);
  });

  it('test runs the suite beside a pack file on China’s calendar', async () => {
    const r = await runInProcess(['test', pack]);
    expect(r.stdout).toMatch(/^PASS: 1\/1$/m);
    expect(r.code).toBe(0);
  });
});

describe('--calendar', () => {
  const from = `${nextYear}-02-05`;
  const asOf = `${nextYear}-02-05T10:00:00+08:00`;

  it('without it, a day past the calendar’s last year is not counted (null, never a Mon–Fri guess)', async () => {
    const r = await runInProcess(['eval', pack, '--facts', JSON.stringify({ receivedDate: from }), '--as-of', asOf]);
    expect(r.code).toBe(0);
    expect(due(r.stdout)).toBeNull();
  });

  it('a file with China’s id adds the host’s year to China’s calendar', async () => {
    const holidays = [`${nextYear}-02-08`, `${nextYear}-02-09`, `${nextYear}-02-10`];
    const file = write('next-year.json', { id: chinaWorkingDayCalendar.id, version: `host-${nextYear}`, firstYear: nextYear, lastYear: nextYear, holidays, workdays: [] });
    const r = await runInProcess(['eval', pack, '--facts', JSON.stringify({ receivedDate: from }), '--as-of', asOf, '--calendar', file]);
    expect(r.code).toBe(0);
    const weekdays: string[] = [];
    for (let d = new Date(`${from}T00:00:00Z`); weekdays.length < 7; ) {
      d = new Date(d.getTime() + 86_400_000);
      const iso = d.toISOString().slice(0, 10);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !holidays.includes(iso)) weekdays.push(iso);
    }
    expect(due(r.stdout)).toBe(weekdays[6]);
    // China's own years still count: the 2026 Spring Festival is unchanged under the merged calendar.
    const old = await runInProcess(['eval', pack, '--facts', '{"receivedDate":"2026-02-13"}', '--as-of', asOf, '--calendar', file]);
    expect(due(old.stdout)).toBe('2026-03-02');
  });

  it('test --calendar runs a suite on the host’s calendar', async () => {
    const file = write('mon-fri.json', { id: 'host-mon-fri', version: '1', firstYear: 2026, lastYear: 2026, holidays: [], workdays: [] });
    const r = await runInProcess(['test', pack, '--calendar', file]);
    // The suite expects China's calendar; on a bare Mon–Fri calendar its case fails.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2026-02-24');
  });

  it('an invalid calendar file is a structured error with the JSON pointer, exit 2', async () => {
    const file = write('bad.json', { id: chinaWorkingDayCalendar.id, version: 'x', firstYear: nextYear, lastYear: nextYear, holidays: [`${nextYear}-02-30`], workdays: [] });
    const r = await runInProcess(['eval', pack, '--facts', '{"receivedDate":"2026-02-13"}', '--calendar', file]);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stderr) as { code: string; problems: Array<{ path: string; found: unknown }> };
    expect(body.code).toBe('INVALID_CALENDAR');
    expect(body.problems[0]).toMatchObject({ path: '/holidays/0', found: `${nextYear}-02-30` });
  });
});
