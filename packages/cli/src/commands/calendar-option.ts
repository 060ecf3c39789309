/**
 * `--calendar <file>`: the host's working-day calendar, for `eval` and `test`. A file with the id of China's
 * calendar (`cn-state-council`) adds or replaces years of it (`mergeCalendars`): this is how a host counts the
 * year the State Council has just published before `chinese-days` carries it. A file with another id is used
 * alone. An invalid file is a structured error (JSON pointer, expected and found), exit 2.
 */
import { AftersalesError, checkCalendar, mergeCalendars, type WorkingDayCalendar } from '@aftersales/core';
import { packCalendar } from '../packs.js';
import { InputError, readJsonInput, type CliIo, type OptionSpec } from './shared.js';

/** The `--calendar` option, as `eval` and `test` declare it. */
export const CALENDAR_OPTION = {
  calendar: {
    type: 'string',
    value: '<file>',
    description:
      'a working-day calendar (JSON: id, version, firstYear, lastYear, holidays, workdays); with id cn-state-council it adds its years to China’s / 工作日历文件；id 为 cn-state-council 时补充到中国日历',
  },
} satisfies Record<string, OptionSpec>;

/**
 * Reads `--calendar`: `undefined` when not given (every pack then counts China's calendar).
 *
 * @param path - the option's value
 * @param io - the command's streams (for `-`)
 * @returns the calendar the command's packs count working days on
 * @throws {@link InputError} `INVALID_CALENDAR` with the file's problems
 * @example
 * ```ts
 * const calendar = await readCalendarOption('cn-2027.json', io); // China's years plus 2027
 * ```
 */
export async function readCalendarOption(path: string | undefined, io: CliIo): Promise<WorkingDayCalendar | undefined> {
  if (path === undefined) return undefined;
  const doc = await readJsonInput(path, io);
  const problems = checkCalendar(doc);
  const fail = (list: unknown[]): never => {
    throw new InputError({ code: 'INVALID_CALENDAR', message: `${path}: invalid working-day calendar / 工作日历无效`, problems: list });
  };
  if (problems.length > 0) fail(problems);
  const calendar = doc as WorkingDayCalendar;
  const china = await packCalendar();
  if (!china || calendar.id !== china.id) return calendar;
  try {
    return mergeCalendars(china, calendar);
  } catch (error) {
    if (error instanceof AftersalesError) return fail(error.problems);
    throw error;
  }
}
