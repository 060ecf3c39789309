/**
 * Date edges in the decision-space difference: a date fact compared only through what a calculator derives from it
 * (a period's days over, working days since) is sampled the day before, at and after each date where a version's
 * derived value reaches its threshold, for the base's asOf; the region of dates whose outcome changes is reported.
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { diffPacks } from './pack-diff.js';
import { dateFormat, datePoints, dateSources } from './pack-diff-dates.js';
import { testPackHeader } from './test-pack.fixture.js';
import type { RulePackDocument, TestSuite } from './types.js';

const asOf = '2026-01-15T10:00:00+08:00';
const suite: TestSuite = { pack: 'return-window', asOf, cases: [{ name: 'no facts', facts: {}, expect: {} }] };

/** Returnable while the claim (asOf's date) is within `days` of the sale: days-after-period-end ≤ 0. */
function periodPack(days: number, version: string): RulePackDocument {
  return {
    ...testPackHeader('return-window'),
    version,
    parameters: { returnDays: { type: 'integer', value: days, description: { zh: '退货天数', en: 'return days' }, notPublished: true } },
    facts: { type: 'object', properties: { saleDate: { type: 'string', format: 'date' } } },
    derived: [
      {
        name: 'returnDaysOver',
        calculator: 'days-after-period-end',
        args: { start: { fact: 'saleDate' }, date: { context: 'asOfDate' }, amount: { param: 'returnDays' }, unit: 'days' },
      },
    ],
    rules: [
      {
        name: 'returnable',
        source: 's 1',
        conditions: { all: [{ fact: 'returnDaysOver', operator: 'lessThanInclusive', value: 0 }] },
        event: { type: 'returnable', params: { returnable: true } },
      },
    ],
    default: { returnable: false },
    outcome: { type: 'object', properties: { returnable: { type: 'boolean' } } },
  } as RulePackDocument;
}

/** Repairable while at most `days` working days (Mon–Fri) have passed since receipt, up to asOf's date. */
function workingDaysPack(days: number, version: string): RulePackDocument {
  return {
    ...testPackHeader('repair-window'),
    version,
    facts: { type: 'object', properties: { receivedDate: { type: 'string', format: 'date' } } },
    derived: [{ name: 'workingDaysSince', calculator: 'working-days-between', args: { from: { fact: 'receivedDate' }, to: { context: 'asOfDate' } } }],
    rules: [
      {
        name: 'in-time',
        source: 's 1',
        conditions: { all: [{ fact: 'workingDaysSince', operator: 'lessThanInclusive', value: days }] },
        event: { type: 'in-time', params: { inTime: true } },
      },
    ],
    default: { inTime: false },
    outcome: { type: 'object' },
  } as RulePackDocument;
}

describe('date edges', () => {
  it('a date fact with format date or date-time, in every version', () => {
    expect(dateFormat([{ type: 'string', format: 'date' } as never])).toBe('date');
    expect(dateFormat([{ type: 'string', format: 'date-time' } as never, { type: 'string', format: 'date-time' } as never])).toBe('date-time');
    expect(dateFormat([{ type: 'string', format: 'date' } as never, { type: 'string' }])).toBeUndefined();
    expect(dateFormat([{ type: 'number' }])).toBeUndefined();
  });

  it('samples the day before, at and after the last day of each version\'s period, for the base\'s asOf', () => {
    const packs = [loadPack(periodPack(7, '1.0.0')), loadPack(periodPack(15, '1.1.0'))];
    const sources = dateSources('saleDate', packs);
    expect(sources.map((s) => [s.derived, s.thresholds])).toEqual([
      ['returnDaysOver', [0]],
      ['returnDaysOver', [0]],
    ]);
    // 7 days: a sale on 2026-01-08 is within on 2026-01-15 (day 7), on 2026-01-07 not; 15 days: 2025-12-31.
    expect(datePoints('saleDate', 'date', sources, {}, asOf).map((p) => p.value)).toEqual([
      '2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10',
    ]);
    // Another asOf moves the edges with it: on 2026-03-01 a sale on 2026-02-22 is on day 7.
    expect(datePoints('saleDate', 'date', sources.slice(0, 1), {}, '2026-03-01T10:00:00+08:00').map((p) => p.value)).toEqual([
      '2026-02-21', '2026-02-22', '2026-02-23', '2026-02-24',
    ]);
  });

  it('diff reports the sale dates whose outcome changes when the period grows from 7 to 15 days', () => {
    const diff = diffPacks(loadPack(periodPack(7, '1.0.0')), loadPack(periodPack(15, '1.1.0')), { suite });
    expect(diff.facts).toEqual(['saleDate']);
    expect(diff.skipped).toEqual([]);
    expect(diff.regions).toHaveLength(1);
    const [region] = diff.regions;
    expect(region).toMatchObject({
      fact: 'saleDate',
      values: ['2025-12-31', '2026-01-01', '2026-01-02', '2026-01-07'],
      changed: [{ key: 'returnable', old: false, new: true }],
      example: { base: 'no facts', facts: { saleDate: '2025-12-31' }, asOf },
    });
    expect(region!.text).toBe('saleDate in {"2025-12-31", "2026-01-01", "2026-01-02", "2026-01-07"}');
  });

  it('working days: the edges fall where the working-day count reaches the threshold, weekends skipped', () => {
    const diff = diffPacks(loadPack(workingDaysPack(5, '1.0.0')), loadPack(workingDaysPack(10, '1.1.0')), { suite: { ...suite, pack: 'repair-window' } });
    // On Thu 2026-01-15: received Thu 01-08 is 5 working days ago (01-09 … 01-15), Thu 01-01 is 10.
    expect(diff.regions.map((r) => [r.values, r.changed])).toEqual([
      [['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-07'], [{ key: 'inTime', old: false, new: true }]],
    ]);
  });

  it('gives no point when no version\'s derived value moves with the date', () => {
    const doc = periodPack(7, '1.0.0');
    doc.derived![0]!.args = { start: { context: 'asOfDate' }, date: { context: 'asOfDate' }, amount: 7, unit: 'days' };
    expect(datePoints('saleDate', 'date', dateSources('saleDate', [loadPack(doc)]), {}, asOf)).toEqual([]);
  });
});
