/**
 * China's working-day calendar as the bundled packs count it: the data checked against the State Council's
 * published schedules of 2025 (国办发明电〔2024〕12号, 12 Nov 2024) and 2026 (4 Nov 2025) for the Spring Festival and
 * National Day weeks, and CPL Art. 46's seven working days counted across them by complaint-handling.
 */
import { compileCalendar, mergeCalendars } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { chinaWorkingDayCalendar, loadBundledPacks } from './index.js';

const cal = compileCalendar(chinaWorkingDayCalendar);
const range = (from: string, days: number): string[] =>
  Array.from({ length: days }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe('China working-day calendar data (chinese-days)', () => {
  it('is versioned by its data package and covers 2025 and 2026', () => {
    expect(chinaWorkingDayCalendar.version).toMatch(/^chinese-days@1\.5\.\d+$/);
    expect(chinaWorkingDayCalendar.firstYear).toBeLessThanOrEqual(2025);
    expect(chinaWorkingDayCalendar.lastYear).toBeGreaterThanOrEqual(2026);
  });

  it.each([
    ['2025 春节: 1月28日至2月4日放假调休，共8天；1月26日（周日）、2月8日（周六）上班', range('2025-01-28', 8), ['2025-01-26', '2025-02-08']],
    ['2025 国庆节、中秋节: 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班', range('2025-10-01', 8), ['2025-09-28', '2025-10-11']],
    ['2026 春节: 2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班', range('2026-02-15', 9), ['2026-02-14', '2026-02-28']],
    ['2026 国庆节: 10月1日至7日放假调休，共7天；9月20日（周日）、10月10日（周六）上班', range('2026-10-01', 7), ['2026-09-20', '2026-10-10']],
  ])('%s', (_name, daysOff, madeUp) => {
    for (const day of daysOff) expect(cal.holidays.has(day), day).toBe(true);
    for (const day of madeUp) expect(cal.workdays.has(day), day).toBe(true);
  });
});

describe('CPL Art. 46: seven working days across the holiday weeks (complaint-handling, bundled)', () => {
  const pack = loadBundledPacks().get('complaint-handling');
  const authorityDue = (receivedAt: string): unknown =>
    pack.evaluateSync({ channel: 'regulator', receivedAt }, { asOf: receivedAt, explain: false }).outcome.authorityDueAt;

  it.each([
    // Received Fri 2025-01-24: Sun 01-26 (1, make-up), Mon 01-27 (2), holidays to 02-04, 02-05 … 02-07 (5), Sat 02-08 (6), Mon 02-10 (7).
    ['2025 春节: 1月24日收到，1月26日调休上班计入，节假日不计，2月10日届满', '2025-01-24T10:00:00+08:00', '2025-02-10T23:59:59.999+08:00'],
    // Received Thu 2025-09-25: 09-26 (1), Sun 09-28 (2), 09-29 (3), 09-30 (4), holidays 10-01…08, 10-09 (5), 10-10 (6), Sat 10-11 (7).
    ['2025 国庆节: 9月25日收到，9月28日、10月11日调休上班计入，10月11日届满', '2025-09-25T10:00:00+08:00', '2025-10-11T23:59:59.999+08:00'],
    // Received Thu 2026-02-12: 02-13 (1), Sat 02-14 (2), holidays 02-15…23, 02-24 … 02-27 (6), Sat 02-28 (7).
    ['2026 春节: 2月12日收到，2月14日、2月28日调休上班计入，2月28日届满', '2026-02-12T10:00:00+08:00', '2026-02-28T23:59:59.999+08:00'],
    // Received Wed 2026-09-30: holidays 10-01…07, 10-08 (1), 10-09 (2), Sat 10-10 (3), 10-12 … 10-15 (7).
    ['2026 国庆节: 9月30日收到，节假日不计，10月10日调休上班计入，10月15日届满', '2026-09-30T10:00:00+08:00', '2026-10-15T23:59:59.999+08:00'],
  ])('%s', (_name, receivedAt, due) => {
    expect(authorityDue(receivedAt)).toBe(due);
  });

  it('is null, not a Mon–Fri guess, once the count runs past the years the data covers', () => {
    const year = chinaWorkingDayCalendar.lastYear;
    expect(authorityDue(`${year}-12-30T10:00:00+08:00`)).toBeNull();
  });

  it("counts a host's own next year once it is merged in", () => {
    const next = chinaWorkingDayCalendar.lastYear + 1;
    const calendar = mergeCalendars(chinaWorkingDayCalendar, {
      id: chinaWorkingDayCalendar.id,
      version: `${chinaWorkingDayCalendar.version}+host-${next}`,
      firstYear: next,
      lastYear: next,
      holidays: [`${next}-01-01`],
      workdays: [],
    });
    const hosted = loadBundledPacks({ calendar }).get('complaint-handling');
    const receivedAt = `${next - 1}-12-30T10:00:00+08:00`;
    const due = hosted.evaluateSync({ channel: 'regulator', receivedAt }, { asOf: receivedAt, explain: false }).outcome.authorityDueAt;
    expect(typeof due).toBe('string');
    // The same, given per decision to the default registry.
    expect(pack.evaluateSync({ channel: 'regulator', receivedAt }, { asOf: receivedAt, explain: false, calendar }).outcome.authorityDueAt).toBe(due);
  });
});
