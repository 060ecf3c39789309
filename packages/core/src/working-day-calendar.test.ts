import { describe, expect, it } from 'vitest';
import { addWorkingDays, workingDaysBetween } from './calendar.js';
import { AftersalesError } from './errors.js';
import { loadPack } from './pack.js';
import type { RulePackDocument, WorkingDayCalendar } from './types.js';
import { checkCalendar, compileCalendar, mergeCalendars } from './working-day-calendar.js';

// A small calendar made for the test (core ships none): 2030-05-01 (Wed)–05-03 (Fri) off, Sat 05-04 worked.
const may2030: WorkingDayCalendar = {
  id: 'test',
  version: '1',
  firstYear: 2030,
  lastYear: 2030,
  holidays: ['2030-05-01', '2030-05-02', '2030-05-03'],
  workdays: ['2030-05-04'],
};
const zone = 'Asia/Shanghai';

describe('working-day clocks with a calendar', () => {
  it('skip the calendar holidays and count a make-up Saturday', () => {
    // From Tue 04-30: Sat 05-04 (1), Mon 05-06 (2), Tue 05-07 (3).
    expect(addWorkingDays('2030-04-30', 3, [], zone, compileCalendar(may2030))).toBe('2030-05-07');
    expect(workingDaysBetween('2030-04-30', '2030-05-07', [], zone, compileCalendar(may2030))).toBe(3);
  });

  it('without a calendar count Mon–Fri as before', () => {
    expect(addWorkingDays('2030-04-30', 3, [], zone)).toBe('2030-05-03');
  });

  it("still take the caller's holidays off", () => {
    expect(addWorkingDays('2030-04-30', 3, ['2030-05-06'], zone, compileCalendar(may2030))).toBe('2030-05-08');
  });

  it('give null rather than a guess when a day to count lies outside the calendar', () => {
    expect(addWorkingDays('2030-12-30', 5, [], zone, compileCalendar(may2030))).toBeNull();
    expect(workingDaysBetween('2029-12-30', '2030-01-02', [], zone, compileCalendar(may2030))).toBeNull();
    // Counting up to the last covered day is fine.
    expect(addWorkingDays('2030-12-30', 1, [], zone, compileCalendar(may2030))).toBe('2030-12-31');
  });
});

describe('checkCalendar', () => {
  it('accepts a valid calendar', () => {
    expect(checkCalendar(may2030)).toEqual([]);
  });

  it('refuses impossible dates, dates outside the years, a day both off and worked, and years out of order', () => {
    const bad = { ...may2030, holidays: ['2030-02-30', '2031-01-01', '2030-05-04'], lastYear: 2030 };
    expect(checkCalendar(bad).map((p) => p.path)).toEqual(['/holidays/0', '/holidays/1', '/workdays/0']);
    expect(checkCalendar({ ...may2030, firstYear: 2031 }).map((p) => p.path)).toContain('/lastYear');
    expect(checkCalendar(null)[0]?.code).toBe('INVALID_CALENDAR');
  });

  it('compileCalendar throws INVALID_CALENDAR with the problems', () => {
    const error = (() => {
      try {
        compileCalendar({ ...may2030, version: '' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AftersalesError);
    expect((error as AftersalesError).code).toBe('INVALID_CALENDAR');
    expect((error as AftersalesError).problems[0]?.path).toBe('/version');
  });
});

describe('mergeCalendars', () => {
  const next: WorkingDayCalendar = { id: 'test', version: '2', firstYear: 2031, lastYear: 2031, holidays: ['2031-01-01'], workdays: [] };

  it("adds a host's next year and names the result by the addition's version", () => {
    const merged = mergeCalendars(may2030, next);
    expect(merged).toMatchObject({ version: '2', firstYear: 2030, lastYear: 2031 });
    expect(addWorkingDays('2030-12-31', 1, [], zone, compileCalendar(merged))).toBe('2031-01-02');
  });

  it("replaces the base's days of the years it covers", () => {
    const corrected = mergeCalendars(may2030, { ...may2030, version: '1.1', holidays: ['2030-05-01'], workdays: [] });
    expect(corrected.holidays).toEqual(['2030-05-01']);
    expect(corrected.workdays).toEqual([]);
  });

  it('refuses another calendar id or a gap between the years', () => {
    expect(() => mergeCalendars(may2030, { ...next, id: 'other' })).toThrow(/id/);
    expect(() => mergeCalendars(may2030, { ...next, firstYear: 2032, lastYear: 2032, holidays: [] })).toThrow(/touch or overlap/);
  });
});

describe('a pack counts the calendar it was loaded with, or the one a decision gives', () => {
  const doc = {
    id: 'working-day-clock',
    version: '1.0.0',
    title: { zh: '工作日', en: 'Working days' },
    description: { zh: '测试', en: 'test' },
    sources: [{ id: 'T', document: 'test', clause: 'test' }],
    effective: { from: '2020-01-01' },
    timeZone: zone,
    hitPolicy: 'first',
    facts: { type: 'object', properties: { received: { type: 'string', format: 'date' } }, required: ['received'] },
    derived: [{ name: 'due', calculator: 'add-working-days', args: { from: { fact: 'received' }, days: 3 } }],
    rules: [{ name: 'due', source: 'T', priority: 1, conditions: { all: [{ fact: 'received', operator: 'notEqual', value: '' }] }, event: { type: 'due', params: { due: { fact: 'due' } } } }],
    default: { due: null },
    outcome: { type: 'object', properties: { due: { type: ['string', 'null'] } } },
  } as unknown as RulePackDocument;
  const asOf = '2030-04-30T09:00:00+08:00';

  it('uses the load-time calendar, and a decision may give its own', () => {
    const pack = loadPack(doc, { calendar: may2030 });
    expect(pack.calendar?.version).toBe('1');
    expect(pack.evaluateSync({ received: '2030-04-30' }, { asOf }).outcome).toEqual({ due: '2030-05-07' });
    const noHoliday: WorkingDayCalendar = { ...may2030, version: 'none', holidays: [], workdays: [] };
    expect(pack.evaluateSync({ received: '2030-04-30' }, { asOf, calendar: noHoliday }).outcome).toEqual({ due: '2030-05-03' });
    expect(loadPack(doc).evaluateSync({ received: '2030-04-30' }, { asOf }).outcome).toEqual({ due: '2030-05-03' });
  });

  it('refuses an invalid calendar at load', () => {
    expect(() => loadPack(doc, { calendar: { ...may2030, lastYear: 2029 } })).toThrow(AftersalesError);
  });
});
