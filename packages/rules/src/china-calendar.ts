/**
 * China's working-day calendar, from the maintained data package `chinese-days`: the public holidays and the
 * make-up working days (调休) of each year the State Council has published, as the data `@aftersales/core`'s
 * working-day clocks count (CPL Art. 46's seven working days and any other "工作日"). Core keeps no calendar and no
 * dependency on the data: `loadBundledPacks()` hands this one in. A year the package does not carry yet is
 * added by the host with `mergeCalendars` (see the README), and a clock that reaches beyond the covered years is
 * `null`, never a Mon–Fri guess.
 */
import type { WorkingDayCalendar } from '@aftersales/core';
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import dataPackage from 'chinese-days/package.json' with { type: 'json' };

const holidays = Object.keys(data.holidays).sort();
const workdays = Object.keys(data.workdays).sort();
const years = [...holidays, ...workdays].map((d) => Number(d.slice(0, 4)));

/**
 * China's working-day calendar (State Council schedules) from `chinese-days`, versioned by that package's
 * version (`chinese-days@1.5.7`); it covers the years its data carries (`firstYear`–`lastYear`).
 *
 * @example
 * ```ts
 * import { chinaWorkingDayCalendar } from '@aftersales/rules';
 * chinaWorkingDayCalendar.workdays.includes('2026-02-14') // true: a Saturday worked for the Spring Festival
 * ```
 */
export const chinaWorkingDayCalendar: WorkingDayCalendar = Object.freeze({
  id: 'cn-state-council',
  version: `chinese-days@${dataPackage.version}`,
  firstYear: Math.min(...years),
  lastYear: Math.max(...years),
  holidays: Object.freeze(holidays),
  workdays: Object.freeze(workdays),
});
