/**
 * Named calculators for derived facts. A pack never embeds code: it names a calculator registered here and
 * passes arguments (literals or references to facts, parameters and the evaluation context). Each calculator
 * returns `null` when a required argument is absent, so rules can test for it.
 */
import {
  addWorkingDays,
  daysAfterPeriodEnd,
  daysBetween,
  endOfLocalDay,
  formatInstant,
  localDate,
  parseInstant,
  workingDaysBetween,
  type PeriodUnit,
} from './calendar.js';
import type { Localized } from './types.js';
import type { CompiledCalendar } from './working-day-calendar.js';

/** What a calculator sees besides its arguments. */
export interface CalculatorContext {
  /** The pack's IANA time zone. */
  timeZone: string;
  /** The working-day calendar of the decision, when the host supplied one (else Mon–Fri). */
  calendar?: CompiledCalendar;
}

/** An argument a calculator takes. */
export interface CalculatorArgument {
  name: string;
  required: boolean;
  description: string;
}

/** A calculator's documentation: its name, what it computes, its arguments. */
export interface CalculatorInfo {
  name: string;
  description: Localized;
  args: CalculatorArgument[];
}

interface Calculator extends CalculatorInfo {
  compute(args: Record<string, unknown>, context: CalculatorContext): unknown;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown): number[] | null => {
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    if (!isNumber(x)) return null;
    out.push(x);
  }
  return out;
};
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const holidaysOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const arg = (name: string, description: string, required = true): CalculatorArgument => ({ name, required, description });

/**
 * Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number | null {
  if (!(p > 0 && p < 1)) return null;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Round half away from zero to `digits` decimals, robust to binary representation (1.005 → 1.01). */
function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.sign(value) * Math.round(Math.abs(value) * factor + Number.EPSILON * factor) / factor;
}

function stockTerms(args: Record<string, unknown>): { z: number; sigma: number; lead: number } | null {
  const { serviceLevel, stdDev, leadTimeDays } = args;
  if (!isNumber(serviceLevel) || !isNumber(stdDev) || !isNumber(leadTimeDays) || stdDev < 0 || leadTimeDays < 0) return null;
  const z = normalQuantile(serviceLevel);
  if (z === null) return null;
  return { z, sigma: stdDev, lead: leadTimeDays };
}

const CALCULATORS: Calculator[] = [
  {
    name: 'coalesce',
    description: { zh: '取第一个非空值', en: 'The first value that is not null' },
    args: [arg('values', 'list of values or references')],
    compute: ({ values }) => (Array.isArray(values) ? values.find((v) => v !== null && v !== undefined) ?? null : null),
  },
  {
    name: 'local-date',
    description: { zh: '时区内的本地日期', en: 'The local date in the pack time zone' },
    args: [arg('value', 'date or date-time')],
    compute: ({ value }, { timeZone }) => localDate(value, timeZone),
  },
  {
    name: 'days-between',
    description: { zh: '两个日期之间的日历天数', en: 'Calendar days from `from` to `to` in the pack time zone' },
    args: [arg('from', 'date or date-time'), arg('to', 'date or date-time')],
    compute: ({ from, to }, { timeZone }) => daysBetween(from, to, timeZone),
  },
  {
    name: 'days-after-period-end',
    description: {
      zh: '日期距期限届满日的日历天数（≤0 表示在期限内，含最后一天）',
      en: 'Calendar days from the end of the period (start + amount unit) to date; <= 0 means within (inclusive)',
    },
    args: [arg('start', 'date or date-time'), arg('date', 'date or date-time'), arg('amount', 'period length'), arg('unit', 'days | months | years')],
    compute: ({ start, date, amount, unit }, { timeZone }) => {
      if (!isNumber(amount) || (unit !== 'days' && unit !== 'months' && unit !== 'years')) return null;
      return daysAfterPeriodEnd(start, date, amount, unit as PeriodUnit, timeZone);
    },
  },
  {
    name: 'add-hours',
    description: { zh: '时间加若干小时', en: 'A date-time plus a number of hours, with the zone offset' },
    args: [arg('from', 'date-time'), arg('hours', 'hours to add')],
    compute: ({ from, hours }, { timeZone }) => {
      const ms = parseInstant(from);
      if (ms === null || !isNumber(hours)) return null;
      const target = ms + hours * 3_600_000;
      if (!Number.isFinite(target) || Math.abs(target) > 8.64e15) return null;
      return formatInstant(target, timeZone);
    },
  },
  {
    name: 'end-of-local-day',
    description: { zh: '当地当日结束时刻', en: 'The last millisecond of the local day' },
    args: [arg('value', 'date or date-time')],
    compute: ({ value }, { timeZone }) => endOfLocalDay(value, timeZone),
  },
  {
    name: 'add-working-days',
    description: {
      zh: '加若干工作日（有工作日历时按其节假日和调休上班日，否则周一至周五；再扣除 holidays）',
      en: 'The local date a number of working days later (the working-day calendar, holidays and make-up days, when one is supplied, else Mon–Fri; minus holidays)',
    },
    args: [arg('from', 'date or date-time'), arg('days', 'working days'), arg('holidays', 'list of local dates to skip', false)],
    compute: ({ from, days, holidays }, { timeZone, calendar }) => (isNumber(days) ? addWorkingDays(from, days, holidaysOf(holidays), timeZone, calendar) : null),
  },
  {
    name: 'working-days-between',
    description: { zh: '两个日期之间的工作日数', en: 'Working days after `from` up to and including `to`' },
    args: [arg('from', 'date or date-time'), arg('to', 'date or date-time'), arg('holidays', 'list of local dates to skip', false)],
    compute: ({ from, to, holidays }, { timeZone, calendar }) => workingDaysBetween(from, to, holidaysOf(holidays), timeZone, calendar),
  },
  {
    name: 'sum',
    description: { zh: '求和', en: 'Sum of numbers' },
    args: [arg('values', 'list of numbers')],
    compute: ({ values }) => {
      const xs = numbers(values);
      return xs ? finite(xs.reduce((s, x) => s + x, 0)) : null;
    },
  },
  {
    name: 'product',
    description: { zh: '求积', en: 'Product of numbers' },
    args: [arg('values', 'list of numbers')],
    compute: ({ values }) => {
      const xs = numbers(values);
      return xs ? finite(xs.reduce((s, x) => s * x, 1)) : null;
    },
  },
  {
    name: 'min',
    description: { zh: '最小值', en: 'Smallest of numbers' },
    args: [arg('values', 'list of numbers')],
    compute: ({ values }) => {
      const xs = numbers(values);
      return xs && xs.length > 0 ? Math.min(...xs) : null;
    },
  },
  {
    name: 'max',
    description: { zh: '最大值', en: 'Largest of numbers' },
    args: [arg('values', 'list of numbers')],
    compute: ({ values }) => {
      const xs = numbers(values);
      return xs && xs.length > 0 ? Math.max(...xs) : null;
    },
  },
  {
    name: 'divide',
    description: { zh: '除法（除数为 0 时为空）', en: 'dividend / divisor (null when the divisor is 0)' },
    args: [arg('dividend', 'number'), arg('divisor', 'number')],
    compute: ({ dividend, divisor }) => (isNumber(dividend) && isNumber(divisor) && divisor !== 0 ? finite(dividend / divisor) : null),
  },
  {
    name: 'ceil',
    description: { zh: '向上取整', en: 'Round up to an integer' },
    args: [arg('value', 'number')],
    compute: ({ value }) => (isNumber(value) ? Math.ceil(value) : null),
  },
  {
    name: 'floor',
    description: { zh: '向下取整', en: 'Round down to an integer' },
    args: [arg('value', 'number')],
    compute: ({ value }) => (isNumber(value) ? Math.floor(value) : null),
  },
  {
    name: 'round',
    description: { zh: '四舍五入', en: 'Round half away from zero to `digits` decimals (default 0)' },
    args: [arg('value', 'number'), arg('digits', 'decimals, 0–10', false)],
    compute: ({ value, digits }) => {
      const n = digits === undefined || digits === null ? 0 : digits;
      if (!isNumber(value) || !Number.isInteger(n) || (n as number) < 0 || (n as number) > 10) return null;
      return finite(roundTo(value, n as number));
    },
  },
  {
    name: 'any-true',
    description: { zh: '任一为真', en: 'Whether any value is true' },
    args: [arg('values', 'list of booleans')],
    compute: ({ values }) => (Array.isArray(values) ? values.some((v) => v === true) : null),
  },
  {
    name: 'all-true',
    description: { zh: '全部为真', en: 'Whether every value is true' },
    args: [arg('values', 'list of booleans')],
    compute: ({ values }) => (Array.isArray(values) ? values.every((v) => v === true) : null),
  },
  {
    name: 'true-keys',
    description: { zh: '取值为真的名称列表', en: 'The names whose value is true, in order' },
    args: [arg('values', '{ "values": { name: boolean } }')],
    compute: ({ values }) =>
      values && typeof values === 'object' && !Array.isArray(values)
        ? Object.entries(values as Record<string, unknown>).filter(([, v]) => v === true).map(([k]) => k)
        : null,
  },
  {
    name: 'weighted-score',
    description: { zh: '加权平均分（两位小数）', en: 'Σ score·weight / Σ weight, 2 decimals' },
    args: [arg('scores', '{ "values": { name: number } }'), arg('weights', '{ "values": { name: number } }')],
    compute: ({ scores, weights }) => {
      if (!scores || typeof scores !== 'object' || !weights || typeof weights !== 'object') return null;
      let total = 0;
      let weightSum = 0;
      for (const [name, weight] of Object.entries(weights as Record<string, unknown>)) {
        const score = (scores as Record<string, unknown>)[name];
        if (!isNumber(weight) || !isNumber(score) || weight < 0) return null;
        total += score * weight;
        weightSum += weight;
      }
      return weightSum > 0 ? finite(roundTo(total / weightSum, 2)) : null;
    },
  },
  {
    name: 'normal-quantile',
    description: { zh: '标准正态分位数 z（服务水平系数）', en: 'z with Φ(z) = p (service-level factor)' },
    args: [arg('p', 'probability in (0, 1)')],
    compute: ({ p }) => (isNumber(p) ? normalQuantile(p) : null),
  },
  {
    name: 'safety-stock',
    description: { zh: '安全库存 ceil(z·σ·√L)', en: 'Safety stock ceil(z·σ·√L)' },
    args: [arg('serviceLevel', 'in (0, 1)'), arg('stdDev', 'σ of daily demand'), arg('leadTimeDays', 'L in days')],
    compute: (args) => {
      const t = stockTerms(args);
      return t ? finite(Math.ceil(roundTo(t.z * t.sigma * Math.sqrt(t.lead), 9))) : null;
    },
  },
  {
    name: 'minimum-stock',
    description: { zh: '最低储备量 ceil(d̄·L + z·σ·√L)', en: 'Minimum stock (reorder point) ceil(mean·L + z·σ·√L)' },
    args: [arg('mean', 'mean daily demand'), arg('stdDev', 'σ of daily demand'), arg('leadTimeDays', 'L in days'), arg('serviceLevel', 'in (0, 1)')],
    compute: (args) => {
      const t = stockTerms(args);
      if (!t || !isNumber(args.mean) || args.mean < 0) return null;
      return finite(Math.ceil(roundTo(args.mean * t.lead + t.z * t.sigma * Math.sqrt(t.lead), 9)));
    },
  },
];

const BY_NAME = new Map(CALCULATORS.map((c) => [c.name, c]));

/**
 * Every registered calculator with its documentation.
 *
 * @example
 * ```ts
 * listCalculators().map((c) => c.name) // ['coalesce', 'local-date', ...]
 * ```
 */
export function listCalculators(): CalculatorInfo[] {
  return CALCULATORS.map(({ name, description, args }) => ({ name, description, args }));
}

/**
 * Runs one calculator by name, outside a pack (for tests and tools).
 *
 * @param name - the calculator's name, e.g. `days-after-period-end`
 * @returns a function of the resolved arguments and `{ timeZone }` that gives the calculated value, or `null`
 *   when an argument is absent or invalid
 * @throws `Error` for an unknown calculator
 * @example
 * ```ts
 * getCalculator('days-between')({ from: '2026-01-01', to: '2026-01-08' }, { timeZone: 'Asia/Shanghai' }) // 7
 * ```
 */
export function getCalculator(name: string): (args: Record<string, unknown>, context: CalculatorContext) => unknown {
  const calculator = BY_NAME.get(name);
  if (!calculator) throw new Error(`unknown calculator "${name}"`);
  return (args, context) => {
    for (const a of calculator.args) {
      if (a.required && (args[a.name] === undefined || args[a.name] === null)) return null;
    }
    return calculator.compute(args, context);
  };
}

/** @internal */
export function calculatorInfo(name: string): CalculatorInfo | undefined {
  return BY_NAME.get(name);
}
