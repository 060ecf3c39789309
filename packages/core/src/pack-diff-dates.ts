/**
 * Date edges for {@link diffPacks}: a date fact (`format: date` or `date-time`) is rarely compared itself; the rules
 * compare what a calculator derives from it (`days-between`, `days-after-period-end`, `working-days-between` …)
 * with a threshold (`returnPeriodDaysOver lessThanInclusive 0`). The dates where such a derived value reaches a
 * threshold are the boundaries the pack's calendar computes — a period's last day, the working day after a
 * holiday — and they move with each base's `asOf`. This module finds them by bisection over the pack's own
 * derivation (each version's, with its calendar and parameters), and samples the day before, the day at and the
 * day after each one.
 */
import { localDate } from './calendar.js';
import type { PlanLeaf } from './condition-tree.js';
import type { Pack } from './pack.js';
import { derivedInputs } from './pack-diff-changes.js';
import { comparedValues, type BoundaryPoint, type FactSchema } from './pack-diff-points.js';

/**
 * How far from a base's `asOf` date an edge is looked for, in days either way: widened step by step until every
 * threshold lies between the derived values at both ends (a calendar covers a few years only, and a working-day
 * count walks its span), up to a century, the longest span the date calculators count.
 */
export const DATE_SEARCH_DAYS = [16, 128, 1024, 8192, 36_500] as const;

/** A derived fact that reads a date fact, in one version, with the numbers its conditions compare it with. */
export interface DateSource {
  pack: Pack;
  derived: string;
  thresholds: number[];
}

/** `"date"` or `"date-time"` when every schema of the fact (in either version) is a string of that format. */
export function dateFormat(schemas: FactSchema[]): 'date' | 'date-time' | undefined {
  const formats = new Set(schemas.map((s) => (s as { format?: unknown }).format));
  if (schemas.length === 0 || formats.size !== 1) return undefined;
  const [format] = formats;
  return format === 'date' || format === 'date-time' ? format : undefined;
}

/**
 * The derived facts of both versions that read `fact` (directly or through other derived facts) and that a
 * condition compares with a number, each with those numbers (a parameter with that version's value).
 *
 * @param fact - the date fact
 * @param packs - the two versions
 * @returns one source per version and derived fact; empty when no threshold depends on the date
 */
export function dateSources(fact: string, packs: Pack[]): DateSource[] {
  const sources: DateSource[] = [];
  for (const pack of packs) {
    const leaves: PlanLeaf[] = pack.plan.rules.flatMap((r) => r.conditions.leaves);
    for (const derived of pack.document.derived ?? []) {
      if (!derivedInputs(pack, derived.name).includes(fact)) continue;
      const thresholds = leaves
        .filter((leaf) => leaf.fact === derived.name && leaf.segments.length === 0)
        .flatMap((leaf) => comparedValues(leaf, pack.plan.parameters))
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (thresholds.length > 0) sources.push({ pack, derived: derived.name, thresholds: [...new Set(thresholds)] });
    }
  }
  return sources;
}

const DAY_MS = 86_400_000;

/** The local date `days` after a `YYYY-MM-DD` date. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The sample points of a date fact in one base: for each source and threshold, the first date where the derived
 * value reaches the threshold and the first where it passes it (the edges of `≥`/`>` and of `≤`/`<`), each with the
 * day before and after. A derived value is taken to move one way as the date moves (true of the date calculators,
 * each a count of days from or to the date); a source whose value does not move, or is not a number at
 * both ends of the search, gives no point.
 *
 * @param fact - the date fact
 * @param format - its format: a `date-time` sample is the date at the time and offset of the base's `asOf`
 * @param sources - from {@link dateSources}
 * @param facts - the base's facts (the date fact is replaced at each sample)
 * @param asOf - the base's instant
 * @returns the points in date order, each its own piece
 * @example
 * ```ts
 * // a 7-day return period from saleDate, decided on 2026-01-15: the edges at 2026-01-08 (day 7) and 2026-01-07 (day 8)
 * datePoints('saleDate', 'date', dateSources('saleDate', [older, newer]), {}, '2026-01-15T10:00:00+08:00');
 * ```
 */
export function datePoints(fact: string, format: 'date' | 'date-time', sources: DateSource[], facts: Record<string, unknown>, asOf: string): BoundaryPoint[] {
  const dates = new Set<string>();
  // One evaluation gives every derived fact of a version: the sources of one version share them.
  const derivations = new Map<Pack, Map<number, Record<string, unknown> | null>>();
  for (const source of sources) {
    const today = localDate(asOf, source.pack.plan.timeZone);
    if (today === null) continue;
    const valueOf = (date: string): string => (format === 'date' ? date : `${date}${asOf.slice(10)}`);
    let known = derivations.get(source.pack);
    if (!known) derivations.set(source.pack, (known = new Map()));
    const derivedAt = (offset: number): number | undefined => {
      let derived = known.get(offset);
      if (derived === undefined) {
        try {
          derived = source.pack.evaluateSync({ ...facts, [fact]: valueOf(addDays(today, offset)) }, { asOf, explain: false }).derived;
        } catch {
          derived = null;
        }
        known.set(offset, derived);
      }
      const value = derived?.[source.derived];
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    };
    let [range, low, high] = [0, 0, 0];
    for (const days of DATE_SEARCH_DAYS) {
      const [l, h] = [derivedAt(-days), derivedAt(days)];
      if (l === undefined || h === undefined) break;
      [range, low, high] = [days, l, h];
      if (source.thresholds.every((t) => Math.min(l, h) < t && t < Math.max(l, h))) break;
    }
    if (range === 0 || low === high) continue;
    const rising = high > low;
    // The first offset whose value satisfies `reached`, which holds at the high end and not at the low end.
    const first = (reached: (v: number) => boolean): number | undefined => {
      let [lo, hi] = [-range, range];
      if (reached(low) || !reached(high)) return undefined;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        const v = derivedAt(mid);
        if (v !== undefined && reached(v)) hi = mid;
        else lo = mid;
      }
      return hi;
    };
    for (const t of source.thresholds) {
      const at = first(rising ? (v) => v >= t : (v) => v <= t);
      const past = first(rising ? (v) => v > t : (v) => v < t);
      for (const edge of [at, past]) {
        if (edge === undefined) continue;
        for (const offset of [edge - 1, edge, edge + 1]) dates.add(valueOf(addDays(today, offset)));
      }
    }
  }
  return [...dates].sort().map((value, piece) => ({ value, piece }));
}
