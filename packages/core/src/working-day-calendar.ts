/**
 * A working-day calendar as data: which weekdays are days off (public holidays) and which weekend days are
 * working days (make-up days, China's 调休), for the years it covers. Core keeps no calendar of its own and reads
 * no clock or file: a host hands one in (`@aftersales/rules` ships China's from a maintained data package), once
 * at load (`loadPack(doc, { calendar })`) or per decision (`evaluate(facts, { asOf, calendar })`). Working-day
 * clocks (the `add-working-days` and `working-days-between` calculators) then count it; a day in a year the
 * calendar does not cover cannot be counted, and the clock is `null` rather than a guess.
 */
import { AftersalesError } from './errors.js';
import type { Problem, WorkingDayCalendar } from './types.js';

export type { WorkingDayCalendar };

/** A calendar checked and indexed once, as the working-day clocks read it. */
export interface CompiledCalendar {
  readonly id: string;
  readonly version: string;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const compiled = new WeakMap<WorkingDayCalendar, CompiledCalendar>();

function isRealDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * The problems of a calendar (empty when it is valid): ids and versions are non-empty strings, years integers
 * in order, every date a real `YYYY-MM-DD` within the covered years, and no date both a holiday and a working day.
 *
 * @param calendar - the calendar data
 * @returns the problems found, each with its JSON pointer
 * @example
 * ```ts
 * checkCalendar({ id: 'x', version: '1', firstYear: 2026, lastYear: 2026, holidays: ['2026-02-30'], workdays: [] })
 * // [{ path: '/holidays/0', message: 'must be a real calendar date within 2026–2026', ... }]
 * ```
 */
export function checkCalendar(calendar: unknown): Problem[] {
  const problems: Problem[] = [];
  const code = 'INVALID_CALENDAR';
  if (calendar === null || typeof calendar !== 'object' || Array.isArray(calendar)) {
    return [{ path: '', message: 'must be an object', code, expected: 'object', found: calendar === null ? 'null' : typeof calendar }];
  }
  const c = calendar as Record<string, unknown>;
  for (const key of ['id', 'version'] as const) {
    if (typeof c[key] !== 'string' || (c[key] as string).length === 0) problems.push({ path: `/${key}`, message: 'must be a non-empty string', code, expected: 'string', found: c[key] });
  }
  const years = ['firstYear', 'lastYear'] as const;
  for (const key of years) {
    if (!Number.isInteger(c[key]) || (c[key] as number) < 0 || (c[key] as number) > 9999) problems.push({ path: `/${key}`, message: 'must be a year 0–9999', code, expected: 'integer', found: c[key] });
  }
  const first = c.firstYear as number;
  const last = c.lastYear as number;
  if (problems.length === 0 && first > last) problems.push({ path: '/lastYear', message: 'must not be before firstYear', code, expected: `>= ${first}`, found: last });
  const seen = new Map<string, string>();
  for (const key of ['holidays', 'workdays'] as const) {
    const list = c[key];
    if (!Array.isArray(list)) {
      problems.push({ path: `/${key}`, message: 'must be an array of dates', code, expected: 'array', found: list });
      continue;
    }
    list.forEach((date, i) => {
      const year = isRealDate(date) ? Number(date.slice(0, 4)) : NaN;
      if (!(year >= first && year <= last)) {
        problems.push({ path: `/${key}/${i}`, message: `must be a real calendar date within ${first}–${last}`, code, expected: 'date', found: date });
      } else if (seen.has(date) && seen.get(date) !== key) {
        problems.push({ path: `/${key}/${i}`, message: 'is both a holiday and a working day', code, found: date });
      } else seen.set(date, key);
    });
  }
  return problems;
}

/**
 * The calendar checked and indexed, once per calendar object (a calendar is read-only once handed in).
 *
 * @param calendar - the calendar data
 * @returns its indexed form
 * @throws `AftersalesError` `INVALID_CALENDAR` with every problem
 * @example
 * ```ts
 * compileCalendar(calendar).holidays.has('2026-10-01') // true for China's 2026 calendar
 * ```
 */
export function compileCalendar(calendar: WorkingDayCalendar): CompiledCalendar {
  const known = compiled.get(calendar);
  if (known) return known;
  const problems = checkCalendar(calendar);
  if (problems.length > 0) throw new AftersalesError('INVALID_CALENDAR', `invalid working-day calendar: ${problems[0]!.path} ${problems[0]!.message}`, problems);
  const result: CompiledCalendar = Object.freeze({
    id: calendar.id,
    version: calendar.version,
    firstYear: calendar.firstYear,
    lastYear: calendar.lastYear,
    holidays: new Set(calendar.holidays),
    workdays: new Set(calendar.workdays),
  });
  compiled.set(calendar, result);
  return result;
}

/**
 * A calendar with more years: `addition`'s years replace `base`'s days of those years and extend its range. This
 * is how a host adds the year the State Council has just published before its data package carries it. The two
 * ranges must touch or overlap, so the result covers one unbroken run of years.
 *
 * @param base - the calendar to extend (e.g. `chinaWorkingDayCalendar` of `@aftersales/rules`)
 * @param addition - the new years' calendar; its `id` must be the base's, its `version` names the result
 * @returns a new calendar (neither argument is changed)
 * @throws `AftersalesError` `INVALID_CALENDAR` when either is invalid, the ids differ or the years leave a gap
 * @example
 * ```ts
 * const withNextYear = mergeCalendars(chinaWorkingDayCalendar, {
 *   id: 'cn-state-council', version: 'chinese-days@1.5.7+2027', firstYear: 2027, lastYear: 2027,
 *   holidays: ['2027-01-01', ...], workdays: [...],
 * });
 * ```
 */
export function mergeCalendars(base: WorkingDayCalendar, addition: WorkingDayCalendar): WorkingDayCalendar {
  compileCalendar(base);
  compileCalendar(addition);
  const problems: Problem[] = [];
  if (addition.id !== base.id) problems.push({ path: '/id', message: `must be the base calendar's id "${base.id}"`, code: 'INVALID_CALENDAR', expected: base.id, found: addition.id });
  if (addition.firstYear > base.lastYear + 1 || addition.lastYear < base.firstYear - 1) {
    problems.push({ path: '/firstYear', message: `must touch or overlap the base calendar's years ${base.firstYear}–${base.lastYear}`, code: 'INVALID_CALENDAR', found: addition.firstYear });
  }
  if (problems.length > 0) throw new AftersalesError('INVALID_CALENDAR', `cannot merge calendars: ${problems[0]!.message}`, problems);
  const replaced = (date: string): boolean => {
    const year = Number(date.slice(0, 4));
    return year >= addition.firstYear && year <= addition.lastYear;
  };
  return {
    id: base.id,
    version: addition.version,
    firstYear: Math.min(base.firstYear, addition.firstYear),
    lastYear: Math.max(base.lastYear, addition.lastYear),
    holidays: [...base.holidays.filter((d) => !replaced(d)), ...addition.holidays].sort(),
    workdays: [...base.workdays.filter((d) => !replaced(d)), ...addition.workdays].sort(),
  };
}
