/**
 * Calendar arithmetic in a pack's time zone, with date-fns and @date-fns/tz. A "date" is a local calendar
 * date `YYYY-MM-DD`; a "date-time" is an ISO 8601 instant with an offset. Periods are inclusive: within N days of
 * D holds through the end of the Nth calendar day after D in the zone.
 */
import { tzOffset } from '@date-fns/tz';
import { UTCDate } from '@date-fns/utc';
import { addDays, addMonths, addYears, differenceInCalendarDays } from 'date-fns';
import type { CompiledCalendar } from './working-day-calendar.js';

// Calendar dates are computed on UTCDate (date-fns without any zone lookups: a local calendar date does not
// depend on the zone once known); the zone enters only where an instant becomes a local date or back, through
// @date-fns/tz's tzOffset. TZDate would ask Intl for the offset on every getter, which is ~100x slower.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

// Bounded memo tables (see offsetMinutes and localDate): per zone, cleared when full.
const MEMO_ZONES = 64;
const MEMO_ENTRIES = 4096;
const MEMO_MAX_LENGTH = 40;
const localDateMemo = new Map<string, Map<string, string | null>>();
const HOUR_MS = 3_600_000;
const OFFSET_MEMO_ENTRIES = 16_384;
const offsetMemo = new Map<string, Map<number, number>>();

/** The first and last millisecond of the years 0000–9999 (UTC). */
const FIRST_MS = Date.parse('0000-01-01T00:00:00Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** A time unit a period can be counted in. */
export type PeriodUnit = 'days' | 'months' | 'years';

/** Minutes east of UTC of `timeZone` at the instant `ms`. */
function offsetMinutes(timeZone: string, instant: number): number {
  // Intl formats local times of the years 0000–9999 only (beyond, tzOffset gives NaN): past the edges of the
  // calendar the offset of the edge is used, so an instant near them never fails the lookup.
  const ms = Math.min(Math.max(instant, FIRST_MS), LAST_MS);
  // tzOffset asks Intl for every call (microseconds each), and a decision may need several offsets. Offsets
  // change at most a few times a year: an hour whose first and last millisecond have the same offset is
  // remembered as one value (no zone changes its offset and back within an hour), in a bounded table per zone.
  const hour = Math.floor(ms / HOUR_MS);
  let memo = offsetMemo.get(timeZone);
  if (memo === undefined) {
    if (offsetMemo.size >= MEMO_ZONES) offsetMemo.clear();
    memo = new Map();
    offsetMemo.set(timeZone, memo);
  }
  const known = memo.get(hour);
  if (known !== undefined) return known;
  // Before standard time a zone's offset is local mean time with seconds (Asia/Shanghai: +08:05:43), which an
  // ISO 8601 offset cannot carry: offsets are rounded to whole minutes, the same everywhere, so a formatted
  // date-time still names exactly its instant.
  const offset = Math.round(tzOffset(timeZone, new Date(ms)));
  if (!Number.isFinite(offset)) throw new RangeError(`unknown time zone ${timeZone}`);
  const first = Math.round(tzOffset(timeZone, new Date(hour * HOUR_MS)));
  const last = Math.round(tzOffset(timeZone, new Date(hour * HOUR_MS + HOUR_MS - 1)));
  if (first === offset && last === offset) {
    if (memo.size >= OFFSET_MEMO_ENTRIES) memo.clear();
    memo.set(hour, offset);
  }
  return offset;
}

const offsetTexts = new Map<number, string>();
function formatOffset(minutes: number): string {
  let text = offsetTexts.get(minutes);
  if (text === undefined) {
    if (minutes === 0) text = 'Z';
    else {
      const sign = minutes < 0 ? '-' : '+';
      const abs = Math.abs(minutes);
      text = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    }
    if (offsetTexts.size < 1000) offsetTexts.set(minutes, text);
  }
  return text;
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

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
  // Looking the offset up through Intl costs microseconds and the same instants recur (every decision of a batch
  // resolves the same asOf): remember results, keyed exactly, in a bounded table per zone. Only strings of a
  // date-time's length are kept, so untrusted long strings do not stay in memory.
  if (value.length > MEMO_MAX_LENGTH) return computeLocalDate(value, timeZone);
  let memo = localDateMemo.get(timeZone);
  if (memo === undefined) {
    if (localDateMemo.size >= MEMO_ZONES) localDateMemo.clear();
    memo = new Map();
    localDateMemo.set(timeZone, memo);
  }
  const known = memo.get(value);
  if (known !== undefined) return known;
  const result = computeLocalDate(value, timeZone);
  if (memo.size >= MEMO_ENTRIES) memo.clear();
  memo.set(value, result);
  return result;
}

function computeLocalDate(value: string, timeZone: string): string | null {
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
  const local = instant + offsetMinutes(timeZone, instant) * 60_000;
  if (!Number.isFinite(local) || Math.abs(local) > 8.64e15) return null;
  // An instant at the edge of the calendar can fall in year 10000 or -1 locally ('+010000-01-01'): not a date.
  const date = isoDate(new Date(local));
  return DATE_ONLY.test(date) ? date : null;
}

/** Parses an ISO 8601 date-time with offset into epoch milliseconds; `null` when invalid. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A local date as a UTCDate at 00:00, for calendar arithmetic. */
export function calendarDay(date: string): UTCDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new UTCDate(y, m - 1, d);
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
  return dayNumber(b) - dayNumber(a);
}

/** `date` + `amount` `unit` as a local date (month ends clamp: Jan 31 + 1 month = Feb 28/29). */
export function addPeriod(date: string, amount: number, unit: PeriodUnit): string {
  const start = calendarDay(date);
  const end = unit === 'days' ? addDays(start, amount) : unit === 'months' ? addMonths(start, amount) : addYears(start, amount);
  return isoDate(end);
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
  if (s === null || d === null || !Number.isFinite(amount) || Math.abs(amount) > 100_000) return null;
  const end = calendarDay(addPeriod(s, Math.trunc(amount), unit));
  if (Number.isNaN(end.getTime())) return null;
  return differenceInCalendarDays(calendarDay(d), end);
}

/**
 * ISO date-time of the instant `ms` with the zone's offset, e.g. `2026-01-05T18:00:00+08:00`; `null` when the
 * local time falls outside the years 0000–9999, which an ISO 8601 date-time without an expanded year cannot carry.
 */
export function formatInstant(ms: number, timeZone: string): string | null {
  if (!Number.isFinite(ms) || ms < FIRST_MS - 86_400_000 || ms > LAST_MS + 86_400_000) return null;
  const offset = offsetMinutes(timeZone, ms);
  const local = ms + offset * 60_000;
  // Outside the years 0000–9999 an ISO string would need an expanded year (+010000-…).
  if (!(local >= FIRST_MS && local <= LAST_MS)) return null;
  // Milliseconds only when there are any, so whole-second instants read naturally and nothing is lost.
  return `${isoLocalTime(local)}${formatOffset(offset)}`;
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DDTHH:mm:ss[.sss]` of a UTC millisecond within the years 0000–9999, built from integers. */
function isoLocalTime(local: number): string {
  const day = Math.floor(local / DAY_MS);
  let rest = local - day * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const time = `${dateOfDay(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}`;
  return millis === 0 ? time : `${time}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`;
}

/** The last millisecond of the local day of `value`, ISO with the zone's offset. */
export function endOfLocalDay(value: unknown, timeZone: string): string | null {
  const d = localDate(value, timeZone);
  if (d === null) return null;
  const wallClock = calendarDay(d).getTime() + 86_400_000 - 1;
  let offset = offsetMinutes(timeZone, wallClock);
  const second = offsetMinutes(timeZone, wallClock - offset * 60_000);
  if (second !== offset) offset = second;
  return `${d}T23:59:59.999${formatOffset(offset)}`;
}

/** Days since 1970-01-01 of a local date `YYYY-MM-DD` (already validated), as {@link calendarDay} reads it. */
function dayNumber(date: string): number {
  const y = Number(date.slice(0, 4));
  // Date.UTC (and so calendarDay) reads the years 0–99 as 1900–1999: kept, so every calculator counts alike.
  return daysFromCivil(y < 100 ? y + 1900 : y, Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** `YYYY-MM-DD` of a day number within the years 0000–9999 (H. Hinnant's civil_from_days). */
function dateOfDay(dayNo: number): string {
  const z = dayNo + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
}

// Working days are counted on integer day numbers: 1970-01-01 was a Thursday, so (n + 4) mod 7 is the weekday
// (0 Sunday … 6 Saturday); a date string is only built when there is a holiday list or a calendar to consult.
// With a calendar, a make-up working day (调休) on a weekend works and a calendar holiday does not; a day of a year
// the calendar does not cover cannot be judged (undefined), and the caller's `holidays` are days off in any case.
function isWorkingDay(day: number, holidays: Set<string>, calendar: CompiledCalendar | undefined): boolean | undefined {
  const weekday = (((day + 4) % 7) + 7) % 7;
  const weekend = weekday === 0 || weekday === 6;
  if (calendar === undefined) return !weekend && (holidays.size === 0 || !holidays.has(isoDate(new Date(day * DAY_MS))));
  const date = isoDate(new Date(day * DAY_MS));
  const year = Number(date.slice(0, 4));
  if (year < calendar.firstYear || year > calendar.lastYear) return undefined;
  if (holidays.has(date) || calendar.holidays.has(date)) return false;
  return !weekend || calendar.workdays.has(date);
}

/**
 * The local date `days` working days after `from`: Mon–Fri minus `holidays`, or, with a `calendar`, its working
 * days (holidays off, make-up days on) minus `holidays`; `null` when a day to count falls outside the calendar.
 */
export function addWorkingDays(from: unknown, days: number, holidays: string[], timeZone: string, calendar?: CompiledCalendar): string | null {
  const start = localDate(from, timeZone);
  if (start === null || !Number.isInteger(days) || days < 0 || days > 36_500) return null;
  const skip = new Set(holidays);
  let cursor = dayNumber(start);
  let left = days;
  while (left > 0) {
    cursor += 1;
    const working = isWorkingDay(cursor, skip, calendar);
    if (working === undefined) return null;
    if (working) left -= 1;
  }
  const date = isoDate(new Date(cursor * DAY_MS));
  return DATE_ONLY.test(date) ? date : null;
}

/**
 * Working days after `from` up to and including `to` (negative when `to` is before `from`), counted as
 * {@link addWorkingDays} counts them; `null` when a day to count falls outside the calendar.
 */
export function workingDaysBetween(from: unknown, to: unknown, holidays: string[], timeZone: string, calendar?: CompiledCalendar): number | null {
  const a = localDate(from, timeZone);
  const b = localDate(to, timeZone);
  if (a === null || b === null) return null;
  const span = dayNumber(b) - dayNumber(a);
  if (Math.abs(span) > 36_500) return null;
  const skip = new Set(holidays);
  const [lo, hi] = span < 0 ? [b, a] : [a, b];
  let cursor = dayNumber(lo);
  const last = dayNumber(hi);
  let count = 0;
  while (cursor < last) {
    cursor += 1;
    const working = isWorkingDay(cursor, skip, calendar);
    if (working === undefined) return null;
    if (working) count += 1;
  }
  return span < 0 ? -count : count;
}

const knownZones = new Map<string, boolean>();
/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  let known = knownZones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1000) knownZones.set(timeZone, known);
  }
  return known;
}
