import { describe, expect, it } from 'vitest';
import { getCalculator, normalQuantile } from './calculators.js';
import { addWorkingDays, daysAfterPeriodEnd, daysBetween, endOfLocalDay, formatInstant, localDate, parseInstant, workingDaysBetween } from './calendar.js';

const SH = 'Asia/Shanghai';

describe('localDate', () => {
  it('takes the local date in the zone, which may differ from the UTC date', () => {
    expect(localDate('2026-01-31T16:00:00Z', SH)).toBe('2026-02-01');
    expect(localDate('2026-01-31T15:59:59Z', SH)).toBe('2026-01-31');
    expect(localDate('2026-01-31T23:30:00-05:00', 'America/New_York')).toBe('2026-01-31');
  });
  it('rejects impossible dates and date-times without an offset', () => {
    expect(localDate('2026-02-30', SH)).toBeNull();
    expect(localDate('2026-02-28T10:00:00', SH)).toBeNull();
    expect(localDate(20260228, SH)).toBeNull();
  });
});

describe('local mean time (offsets with seconds, before standard time)', () => {
  // Found by packages/rules/test/hostile.property.test.ts: a date-time of 1780 in Asia/Shanghai (+08:05:43) was written
  // with the offset "+08:05.7166…", which is no date-time, and the pack's outcome broke its schema.
  it('writes whole-minute offsets that still name exactly the instant', () => {
    const ms = Date.parse('1780-08-04T20:09:14.928Z');
    const text = formatInstant(ms, SH);
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?[+-]\d{2}:\d{2}$/);
    expect(text).toBe('1780-08-05T04:15:14.928+08:06');
    expect(parseInstant(text)).toBe(ms);
    expect(endOfLocalDay('1780-08-04T20:09:14.928Z', SH)).toBe('1780-08-05T23:59:59.999+08:06');
  });
});

describe('the edges of the calendar (years 0000 to 9999)', () => {
  // Found by packages/rules/test/hostile.property.test.ts: a fact of 9999-12-31T23:59:59Z is 10000-01-01 in Shanghai; the
  // local date came back as '+010000-01-01' and end-of-local-day then threw a RangeError out of evaluate.
  it('a local date or a result past the edges is null, never an expanded year nor an exception', () => {
    expect(localDate('9999-12-31T23:59:59Z', SH)).toBeNull();
    expect(localDate('9999-12-31T15:59:59Z', SH)).toBe('9999-12-31');
    expect(endOfLocalDay('9999-12-31T23:59:59Z', SH)).toBeNull();
    expect(endOfLocalDay('9999-12-31', 'America/New_York')).toBe('9999-12-31T23:59:59.999-05:00');
    expect(formatInstant(Date.parse('9999-12-31T23:59:59Z'), SH)).toBeNull();
    expect(formatInstant(Date.parse('0000-01-01T00:00:00Z'), 'America/New_York')).toBeNull();
    expect(getCalculator('add-hours')({ from: '9999-12-31T10:00:00Z', hours: 24 }, { timeZone: SH })).toBeNull();
    expect(getCalculator('end-of-local-day')({ value: '9999-12-31T23:59:59Z' }, { timeZone: SH })).toBeNull();
    expect(addWorkingDays('9999-12-30', 5, [], SH)).toBeNull();
  });
});

describe('days-after-period-end (periods are inclusive)', () => {
  it('7 days: last day in is 0, first day out is 1', () => {
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-07', 7, 'days', SH)).toBe(-1);
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-08', 7, 'days', SH)).toBe(0);
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-09', 7, 'days', SH)).toBe(1);
  });
  it('counts in the pack zone: 2026-01-08T16:30Z is already the 9th in Shanghai', () => {
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-08T15:30:00Z', 7, 'days', SH)).toBe(0);
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-08T16:30:00Z', 7, 'days', SH)).toBe(1);
    expect(daysAfterPeriodEnd('2026-01-01', '2026-01-08T16:30:00Z', 7, 'days', 'UTC')).toBe(0);
  });
  it('years and months, including a leap day start', () => {
    expect(daysAfterPeriodEnd('2024-02-29', '2026-02-28', 2, 'years', SH)).toBe(0);
    expect(daysAfterPeriodEnd('2024-02-29', '2026-03-01', 2, 'years', SH)).toBe(1);
    expect(daysAfterPeriodEnd('2026-01-31', '2026-02-28', 1, 'months', SH)).toBe(0);
    expect(daysAfterPeriodEnd('2023-01-15', '2026-01-15', 3, 'years', SH)).toBe(0);
  });
  it('is null when an input is absent', () => {
    expect(getCalculator('days-after-period-end')({ start: null, date: '2026-01-01', amount: 7, unit: 'days' }, { timeZone: SH })).toBeNull();
    expect(getCalculator('days-after-period-end')({ start: '2026-01-01', date: '2026-01-01', amount: 7, unit: 'weeks' }, { timeZone: SH })).toBeNull();
  });
});

describe('day arithmetic', () => {
  it('days-between counts calendar days', () => {
    expect(daysBetween('2026-01-01', '2026-03-01', SH)).toBe(59);
    expect(daysBetween('2026-03-01', '2026-01-01', SH)).toBe(-59);
  });
  it('end-of-local-day is the local midnight minus 1 ms, with the zone offset', () => {
    expect(endOfLocalDay('2026-03-01T17:00:00Z', SH)).toBe('2026-03-02T23:59:59.999+08:00');
    expect(endOfLocalDay('2026-03-01T15:59:00Z', SH)).toBe('2026-03-01T23:59:59.999+08:00');
  });
  it('add-hours keeps the zone offset', () => {
    expect(getCalculator('add-hours')({ from: '2026-03-01T09:00:00+08:00', hours: 24 }, { timeZone: SH })).toBe('2026-03-02T09:00:00+08:00');
    expect(getCalculator('add-hours')({ from: '2026-03-01T01:00:00Z', hours: 1.5 }, { timeZone: SH })).toBe('2026-03-01T10:30:00+08:00');
  });
  it('working days skip weekends and holidays', () => {
    // 2026-03-06 is a Friday.
    expect(addWorkingDays('2026-03-06', 1, [], SH)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-06', 1, ['2026-03-09'], SH)).toBe('2026-03-10');
    expect(addWorkingDays('2026-03-06', 0, [], SH)).toBe('2026-03-06');
    expect(workingDaysBetween('2026-03-06', '2026-03-13', [], SH)).toBe(5);
    expect(workingDaysBetween('2026-03-13', '2026-03-06', [], SH)).toBe(-5);
  });
});

describe('numeric calculators', () => {
  const calc = (name: string, args: Record<string, unknown>) => getCalculator(name)(args, { timeZone: SH });
  it('normal quantile matches the textbook service-level factors', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6449, 4);
    expect(normalQuantile(0.98)).toBeCloseTo(2.0537, 4);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263, 4);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.0902, 4);
    expect(normalQuantile(1)).toBeNull();
  });
  it('safety and minimum stock round up', () => {
    // z(0.95)=1.645, sigma 2, L 4: 1.645*2*2 = 6.58 -> 7; mean 3*4 = 12 -> 18.58 -> 19
    expect(calc('safety-stock', { serviceLevel: 0.95, stdDev: 2, leadTimeDays: 4 })).toBe(7);
    expect(calc('minimum-stock', { mean: 3, stdDev: 2, leadTimeDays: 4, serviceLevel: 0.95 })).toBe(19);
    expect(calc('minimum-stock', { mean: 3, stdDev: 0, leadTimeDays: 4, serviceLevel: 0.95 })).toBe(12);
    expect(calc('safety-stock', { serviceLevel: 1.2, stdDev: 2, leadTimeDays: 4 })).toBeNull();
  });
  it('weighted score, sums, division, rounding, boolean helpers', () => {
    expect(calc('weighted-score', { scores: { a: 80, b: 50 }, weights: { a: 3, b: 1 } })).toBe(72.5);
    expect(calc('weighted-score', { scores: { a: 80 }, weights: { a: 3, b: 1 } })).toBeNull();
    expect(calc('sum', { values: [1, 2, 3.5] })).toBe(6.5);
    expect(calc('sum', { values: [1, 'x'] })).toBeNull();
    expect(calc('divide', { dividend: 1, divisor: 0 })).toBeNull();
    expect(calc('round', { value: 1.005, digits: 2 })).toBe(1.01);
    expect(calc('true-keys', { values: { misuse: true, forceMajeure: false, improperHandling: true } })).toEqual(['misuse', 'improperHandling']);
    expect(calc('coalesce', { values: [null, undefined, 0, 5] })).toBe(0);
    expect(calc('any-true', { values: [false, true] })).toBe(true);
    expect(calc('all-true', { values: [true, false] })).toBe(false);
  });
  it('refuses unknown calculators', () => {
    expect(() => getCalculator('eval')).toThrow(/unknown calculator/);
  });
});

describe('integer calendar arithmetic agrees with Date and date-fns', () => {
  // A small deterministic generator: the same values on every run.
  let seed = 20261130;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const first = Date.parse('0000-01-01T00:00:00Z');
  const last = Date.parse('9999-12-31T23:59:59.999Z');

  it('formats instants across the years 0000–9999 and their edges as toISOString does, in several zones', () => {
    const zones = ['Asia/Shanghai', 'UTC', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Kiritimati'];
    const instants = [first, last, first - 3_600_000, last + 3_600_000, 0, -1, 1, Date.parse('2026-03-08T07:00:00Z')];
    for (let i = 0; i < 400; i++) instants.push(Math.floor(first + next() * (last - first)), Math.floor(next() * 4e12) * (i % 2 ? 1 : 1000));
    for (const zone of zones) {
      for (const ms of instants) {
        const formatted = formatInstant(ms, zone);
        if (formatted === null) continue;
        const offsetMatch = /(Z|[+-]\d{2}:\d{2})$/.exec(formatted)![1]!;
        const offset = offsetMatch === 'Z' ? 0 : (offsetMatch[0] === '-' ? -1 : 1) * (Number(offsetMatch.slice(1, 3)) * 60 + Number(offsetMatch.slice(4)));
        const local = new Date(ms + offset * 60_000);
        const iso = local.toISOString();
        expect(formatted).toBe(`${local.getUTCMilliseconds() === 0 ? iso.slice(0, 19) : iso.slice(0, 23)}${offsetMatch}`);
        expect(Date.parse(formatted)).toBe(ms);
      }
    }
  });

  it('counts calendar days as differenceInCalendarDays does, the years 0–99 read as Date.UTC reads them included', () => {
    const dates: string[] = ['0000-01-01', '0099-12-31', '0100-01-01', '1970-01-01', '2000-02-29', '9999-12-31'];
    for (let i = 0; i < 500; i++) dates.push(new Date(Math.floor(first + next() * (last - first))).toISOString().slice(0, 10));
    for (let i = 0; i + 1 < dates.length; i++) {
      const [a, b] = [dates[i]!, dates[i + 1]!];
      const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
      const readable = localDate(a, 'UTC') !== null && localDate(b, 'UTC') !== null;
      expect(daysBetween(a, b, 'UTC')).toBe(readable ? Math.round((day(b) - day(a)) / 86_400_000) : null);
      expect(daysBetween(`${a}T12:00:00Z`, `${b}T12:00:00Z`, 'UTC')).toBe(Math.round((day(b) - day(a)) / 86_400_000));
    }
  });
});
