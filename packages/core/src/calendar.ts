/**
 * Calendar arithmetic in a pack's time zone, with date-fns and @date-fns/tz. A "date" is a local calendar
 * date `YYYY-MM-DD`; a "date-time" is an ISO 8601 instant with an offset. Periods are inclusive: within N days of
 * D holds through the end of the Nth calendar day after D in the zone.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, addYears, differenceInCalendarDays, format, formatISO, isValid } from 'date-fns';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A time unit a period can be counted in. */
export type PeriodUnit = 'days' | 'months' | 'years';

/**
 * Parses a date or date-time into the local calendar date of `timeZone`; `null` when it is not a valid one.
 *
 * @example
 * ```ts
 * localDate('2026-01-31T20:00:00Z', 'Asia/Shanghai') // '2026-02-01'
 * ```
 */
export function localDate(value: unknown, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  const m = DATE_ONLY.exec(value);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
    return value;
  }
  const instant = parseInstant(value);
  if (instant === null) return null;
  return format(new TZDate(instant, timeZone), 'yyyy-MM-dd');
}

/** Parses an ISO 8601 date-time with offset into epoch milliseconds; `null` when invalid. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** Midnight of a local date in the zone, as a TZDate. */
export function localMidnight(date: string, timeZone: string): TZDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, timeZone);
}

/**
 * Calendar days from `from` to `to` (both dates or date-times), counted in the zone.
 *
 * @example
 * ```ts
 * daysBetween('2026-01-01', '2026-01-08', 'Asia/Shanghai') // 7
 * ```
 */
export function daysBetween(from: unknown, to: unknown, timeZone: string): number | null {
  const a = localDate(from, timeZone);
  const b = localDate(to, timeZone);
  if (a === null || b === null) return null;
  return differenceInCalendarDays(localMidnight(b, timeZone), localMidnight(a, timeZone));
}

/** `date` + `amount` `unit` as a local date. */
export function addPeriod(date: string, amount: number, unit: PeriodUnit, timeZone: string): string {
  const start = localMidnight(date, timeZone);
  const end = unit === 'days' ? addDays(start, amount) : unit === 'months' ? addMonths(start, amount) : addYears(start, amount);
  return format(end, 'yyyy-MM-dd');
}

/**
 * Calendar days from the end of the period (`start` + `amount` `unit`) to `date`: `<= 0` means `date` lies within
 * the period, inclusive of its last day.
 *
 * @example
 * ```ts
 * daysAfterPeriodEnd('2026-01-01', '2026-01-08', 7, 'days', 'Asia/Shanghai') // 0: the last day in
 * ```
 */
export function daysAfterPeriodEnd(start: unknown, date: unknown, amount: number, unit: PeriodUnit, timeZone: string): number | null {
  const s = localDate(start, timeZone);
  const d = localDate(date, timeZone);
  if (s === null || d === null || !Number.isFinite(amount)) return null;
  const end = addPeriod(s, Math.trunc(amount), unit, timeZone);
  return differenceInCalendarDays(localMidnight(d, timeZone), localMidnight(end, timeZone));
}

/** ISO date-time with the zone's offset, e.g. `2026-01-05T18:00:00+08:00`. */
export function formatInstant(ms: number, timeZone: string): string {
  const date = new TZDate(ms, timeZone);
  if (!isValid(date)) throw new RangeError('instant out of range');
  return formatISO(date);
}

/** The last millisecond of the local day of `value`, ISO with the zone's offset. */
export function endOfLocalDay(value: unknown, timeZone: string): string | null {
  const d = localDate(value, timeZone);
  if (d === null) return null;
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const end = new TZDate(y, m - 1, day, 23, 59, 59, 999, timeZone);
  return format(end, "yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
}

function isWorkingDay(date: TZDate, holidays: Set<string>): boolean {
  const weekday = date.getDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(format(date, 'yyyy-MM-dd'));
}

/** The local date `days` working days (Mon–Fri, minus `holidays`) after `from`. */
export function addWorkingDays(from: unknown, days: number, holidays: string[], timeZone: string): string | null {
  const start = localDate(from, timeZone);
  if (start === null || !Number.isInteger(days) || days < 0 || days > 36_500) return null;
  const skip = new Set(holidays);
  let cursor = localMidnight(start, timeZone);
  let left = days;
  while (left > 0) {
    cursor = addDays(cursor, 1);
    if (isWorkingDay(cursor, skip)) left -= 1;
  }
  return format(cursor, 'yyyy-MM-dd');
}

/** Working days after `from` up to and including `to` (negative when `to` is before `from`). */
export function workingDaysBetween(from: unknown, to: unknown, holidays: string[], timeZone: string): number | null {
  const a = localDate(from, timeZone);
  const b = localDate(to, timeZone);
  if (a === null || b === null) return null;
  const span = differenceInCalendarDays(localMidnight(b, timeZone), localMidnight(a, timeZone));
  if (Math.abs(span) > 36_500) return null;
  const skip = new Set(holidays);
  const sign = span < 0 ? -1 : 1;
  let [lo, hi] = span < 0 ? [b, a] : [a, b];
  let cursor = localMidnight(lo, timeZone);
  const last = localMidnight(hi, timeZone);
  let count = 0;
  while (differenceInCalendarDays(last, cursor) > 0) {
    cursor = addDays(cursor, 1);
    if (isWorkingDay(cursor, skip)) count += 1;
  }
  void lo; void hi;
  return sign * count;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
