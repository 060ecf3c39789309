/**
 * The decision-space difference of two versions of a pack: not which lines of the document changed, but which facts
 * now get another outcome. {@link diffPacks} finds the rules that changed (their definition, a parameter they read,
 * their order, or a pack-wide setting), takes the facts those rules read, builds the boundary points of both
 * versions for each fact ({@link numericPoints}, {@link valuePoints}), and evaluates both versions at every point
 * with the other facts taken from each base case (a suite case, so they are valid). Adjacent points of one fact
 * with the same old → new change make one region, reported with an example fact set. Past facts can be replayed
 * on both versions too. The conditions are read from the pack plans' condition trees.
 */
import type { PlanLeaf } from './condition-tree.js';
import { AftersalesError, errorCodeOf } from './errors.js';
import type { Pack } from './pack.js';
import { derivedInputs, factSchemas, keyOf, packChanges, type ParameterChange, type RuleChange } from './pack-diff-changes.js';
import {
  comparedValues,
  isNumericSchema,
  numericPoints,
  regionText,
  valuePoints,
  type BoundaryPoint,
  type DiffBound,
  type FactSchema,
} from './pack-diff-points.js';
import type { TestSuite } from './types.js';
import { dateFormat, datePoints, dateSources, type DateSource } from './pack-diff-dates.js';

/** A fact set the points of one fact are applied to. */
export interface DiffBase {
  name: string;
  facts: Record<string, unknown>;
  asOf: string;
}

/** Options of {@link diffPacks}. */
export interface PackDiffOptions {
  /**
   * Base fact sets from a suite (or from each of several, such as both versions' suites): every case without
   * parameter overrides and not expecting an error; a case with the facts and `asOf` of an earlier one is skipped.
   */
  suite?: TestSuite | TestSuite[];
  /** More base fact sets. */
  bases?: DiffBase[];
  /** The instant for replayed facts and for suite cases without one. */
  asOf?: string;
  /** Past facts to decide on both versions (one facts object each, as in a claims.jsonl). */
  replay?: Iterable<unknown>;
  /** How far inside a stretch between two thresholds a non-integer fact is sampled (default 0.01, a fen). */
  step?: number;
  /** Most replay examples kept (default 5). */
  examples?: number;
}

/** An outcome, or the error code an evaluation ended with. */
export type DiffOutcome = Record<string, unknown> | { error: string };

/** A set of values of one fact, other facts as in a base, where the outcome changes in the same way. */
export interface DiffRegion {
  fact: string;
  /** Numeric facts: the lower edge (absent: unbounded). */
  min?: DiffBound;
  /** Numeric facts: the upper edge (absent: unbounded). */
  max?: DiffBound;
  /** Other facts: the values of the region, in schema order. */
  values?: unknown[];
  /** e.g. `claimAmountYuan in [30000, 50000)`. */
  text: string;
  /** The outcome keys whose values change, e.g. `[{ key: 'level', old: 3, new: 2 }]` (the same at every point). */
  changed: DiffChange[];
  /** The outcomes at the example (keys that follow the fact, such as an amount echoed, may vary in the region). */
  old: DiffOutcome;
  new: DiffOutcome;
  /** A fact set in the region: the first base that shows it, with one point of the region. */
  example: { base: string; facts: Record<string, unknown>; asOf: string };
  /** How many bases show this region. */
  bases: number;
}

/** One outcome key whose value changes (absent `old` or `new`: the key is on one side only). */
export interface DiffChange {
  key: string;
  old?: unknown;
  new?: unknown;
}

/** A replay of past facts on both versions. */
export interface DiffReplay {
  total: number;
  changed: number;
  /** The first changed decisions (`index` counts from 0). */
  examples: Array<{ index: number; facts: unknown; old: DiffOutcome; new: DiffOutcome }>;
}

/** The result of {@link diffPacks}. */
export interface PackDiff {
  pack: string;
  old: { version: string; packHash: string };
  new: { version: string; packHash: string };
  /** Whether any decision differs: a region, a base case or a replayed fact set. */
  differs: boolean;
  rules: RuleChange[];
  parameters: ParameterChange[];
  /** Other top-level keys whose value changed (`hitPolicy`, `default`, `facts`, …). */
  settings: string[];
  /** The facts whose points were evaluated. */
  facts: string[];
  /** Facts the changed rules read that were not varied, and why. */
  skipped: Array<{ fact: string; reason: string }>;
  bases: number;
  /** Evaluations made (both versions). */
  evaluations: number;
  regions: DiffRegion[];
  /** Base cases whose own outcome changes. */
  cases: Array<{ name: string; old: DiffOutcome; new: DiffOutcome }>;
  replay?: DiffReplay;
}

/** One version's outcome for a fact set, or the error code it ends with. */
function decide(pack: Pack, facts: unknown, asOf: string): DiffOutcome {
  try {
    return pack.evaluateSync(facts, { asOf, explain: false }).outcome as Record<string, unknown>;
  } catch (error) {
    return { error: errorCodeOf(error) };
  }
}


/** A fact to vary, with the leaves that compare it (with each leaf's pack, for its parameter values). */
interface Explored {
  fact: string;
  schemas: FactSchema[];
  leaves: Array<{ leaf: PlanLeaf; pack: Pack }>;
  /** Facts whose value in a base is a threshold of this one (`a greaterThan {fact: b}`). */
  against: string[];
  /** A date fact read through derived facts compared with numbers: its edges are found per base. */
  dates?: { format: 'date' | 'date-time'; sources: DateSource[] };
}

function explore(older: Pack, newer: Pack, changedRules: Set<string>, allRules: boolean, schemaChanged: string[]) {
  const packs = [older, newer];
  const inputs = new Set(packs.flatMap((p) => Object.keys(factSchemas(p))));
  const read = new Map<string, string>();
  const skipped: PackDiff['skipped'] = [];
  const note = (fact: string, via: string): void => void (read.has(fact) || read.set(fact, via));
  for (const pack of packs) {
    for (const rule of pack.plan.rules) {
      if (!allRules && !changedRules.has(rule.name)) continue;
      for (const leaf of rule.conditions.leaves) {
        const facts = [leaf.fact, ...(leaf.operand.kind === 'fact' ? [leaf.operand.fact] : [])];
        for (const fact of facts) {
          if (inputs.has(fact)) note(fact, leaf.segments.length > 0 && fact === leaf.fact ? `path ${leaf.path}` : '');
          else for (const input of derivedInputs(pack, fact)) if (inputs.has(input)) note(input, `derived ${fact}`);
        }
      }
    }
  }
  schemaChanged.forEach((fact) => note(fact, ''));
  const explored: Explored[] = [];
  for (const [fact, via] of [...read].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const leaves = packs.flatMap((pack) => pack.plan.rules.flatMap((r) => r.conditions.leaves.map((leaf) => ({ leaf, pack }))));
    const direct = leaves.filter(({ leaf }) => leaf.fact === fact && leaf.segments.length === 0);
    const against = leaves.flatMap(({ leaf }) =>
      leaf.operand.kind !== 'fact' || leaf.operand.segments.length > 0 ? [] : leaf.fact === fact ? [leaf.operand.fact] : leaf.operand.fact === fact ? [leaf.fact] : [],
    );
    const schemas = packs.map((p) => factSchemas(p)[fact]).filter((s): s is FactSchema => s !== undefined);
    const format = direct.length === 0 && against.length === 0 ? dateFormat(schemas) : undefined;
    const sources = format ? dateSources(fact, packs) : [];
    if (format && sources.length > 0) {
      explored.push({ fact, schemas, leaves: [], against: [], dates: { format, sources } });
      continue;
    }
    if (direct.length === 0 && against.length === 0 && via !== '' && schemas.every((s) => s.type !== 'boolean' && !s.enum)) {
      skipped.push({ fact, reason: `read through ${via}: no condition compares the fact itself` });
      continue;
    }
    const target = { fact, schemas, leaves: direct, against: [...new Set(against)] };
    if (target.against.length === 0 && pointsOf(target, {}, 1).length < 2) skipped.push({ fact, reason: 'no threshold or value to try' });
    else explored.push(target);
  }
  return { explored, skipped };
}

/** The points of one explored fact in one base (`asOf`: the base's instant, which moves a date fact's edges). */
function pointsOf(target: Explored, base: Record<string, unknown>, step: number, asOf = ''): BoundaryPoint[] {
  if (target.dates) return datePoints(target.fact, target.dates.format, target.dates.sources, base, asOf);
  const compared = target.leaves.flatMap(({ leaf, pack }) => comparedValues(leaf, pack.plan.parameters));
  const dynamic = target.against.map((f) => base[f]).filter((v) => typeof v === 'number');
  if (!isNumericSchema(target.schemas, compared)) return valuePoints(compared, target.schemas);
  return numericPoints([...compared, ...dynamic].filter((v): v is number => typeof v === 'number' && Number.isFinite(v)), target.schemas, step);
}

/**
 * The outcome keys whose values differ between two outcomes (or error bodies).
 *
 * @param older - the old version's outcome, or `{ error: code }`
 * @param newer - the new version's
 * @returns one entry per differing key, in key order; empty when the outcomes are equal
 * @example
 * ```ts
 * outcomeChanges({ class: 'major', level: 3 }, { class: 'major', level: 2 }); // [{ key: 'level', old: 3, new: 2 }]
 * ```
 */
export function outcomeChanges(older: DiffOutcome, newer: DiffOutcome): DiffChange[] {
  const [o, n] = [older as Record<string, unknown>, newer as Record<string, unknown>];
  const has = (x: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(x, key);
  return [...new Set([...Object.keys(o), ...Object.keys(n)])]
    .sort()
    .filter((key) => keyOf(o[key]) !== keyOf(n[key]))
    .map((key) => ({ key, ...(has(o, key) ? { old: o[key] } : {}), ...(has(n, key) ? { new: n[key] } : {}) }));
}

/** Runs of adjacent points with the same change of outcome keys, as regions. */
function regionsOf(fact: string, points: BoundaryPoint[], results: Array<[DiffOutcome, DiffOutcome]>, base: DiffBase, numeric: boolean): DiffRegion[] {
  const changes = results.map(([o, n]) => outcomeChanges(o, n));
  const change = changes.map((c) => (c.length === 0 ? null : keyOf(c)));
  const out: DiffRegion[] = [];
  for (let start = 0; start < points.length; ) {
    let end = start;
    while (end + 1 < points.length && change[end + 1] === change[start]) end++;
    if (change[start] !== null) {
      const [first, last] = [points[start]!, points[end]!];
      const min = points[start - 1]?.piece === first.piece ? { value: first.value as number, inclusive: true } : first.min;
      const max = points[end + 1]?.piece === last.piece ? { value: last.value as number, inclusive: true } : last.max;
      const values = numeric ? undefined : points.slice(start, end + 1).map((p) => p.value);
      out.push({
        fact,
        ...(numeric && min ? { min } : {}),
        ...(numeric && max ? { max } : {}),
        ...(values ? { values } : {}),
        text: regionText(fact, numeric ? min : undefined, numeric ? max : undefined, values),
        changed: changes[start]!,
        old: results[start]![0],
        new: results[start]![1],
        example: { base: base.name, facts: { ...base.facts, [fact]: first.value }, asOf: base.asOf },
        bases: 1,
      });
    }
    start = end + 1;
  }
  return out;
}

function basesOf(options: PackDiffOptions): DiffBase[] {
  const bases = [...(options.bases ?? [])];
  const seen = new Set(bases.map((b) => keyOf([b.facts, b.asOf])));
  for (const suite of [options.suite ?? []].flat()) {
    for (const c of suite.cases) {
      const asOf = c.asOf ?? suite.asOf ?? options.asOf;
      const key = keyOf([c.facts ?? {}, asOf]);
      if (c.parameters || c.expect?.error !== undefined || asOf === undefined || seen.has(key)) continue;
      seen.add(key);
      bases.push({ name: c.name, facts: c.facts ?? {}, asOf });
    }
  }
  return bases;
}

/**
 * Compares the decisions of two versions of a pack over the boundary points of the facts their changed rules read.
 *
 * @param older - the old version
 * @param newer - the new version (same pack id)
 * @param options - base fact sets (`suite`, `bases`), `asOf`, past facts to `replay`, the sampling `step`
 *   (default 0.01) and the number of replay `examples` (default 5)
 * @returns the changes, the regions where the outcome changes (each with an example fact set), the base cases and
 *   replayed facts whose outcome changes; `differs` is false when no decision changed
 * @throws `AftersalesError` `INVALID_PACK` when the ids differ, `INVALID_AS_OF` when facts are replayed without `asOf`
 * @example
 * ```ts
 * const diff = diffPacks(loadPack(oldJson), loadPack(newJson), { suite });
 * diff.regions.map((r) => r.text); // ['claimAmountYuan in [30000, 50000)']
 * diff.regions[0]!.old; // { class: 'major', level: 3 }
 * ```
 */
export function diffPacks(older: Pack, newer: Pack, options: PackDiffOptions = {}): PackDiff {
  if (older.id !== newer.id) {
    const message = `the two packs have different ids: ${older.id} and ${newer.id}`;
    throw new AftersalesError('INVALID_PACK', message, [{ path: '/id', message, code: 'PACK_ID_MISMATCH', expected: older.id, found: newer.id }]);
  }
  const step = options.step ?? 0.01;
  const { rules, parameters, settings, facts: schemaChanged } = packChanges(older, newer);
  const allRules = settings.some((s) => s !== 'facts');
  const { explored, skipped } = explore(older, newer, new Set(rules.map((r) => r.rule)), allRules, schemaChanged);
  const bases = basesOf(options);
  let evaluations = 0;
  const both = (facts: unknown, asOf: string): [DiffOutcome, DiffOutcome] => {
    evaluations += 2;
    return [decide(older, facts, asOf), decide(newer, facts, asOf)];
  };
  const cases: PackDiff['cases'] = [];
  const found = new Map<string, DiffRegion>();
  for (const base of bases) {
    const [o, n] = both(base.facts, base.asOf);
    if (outcomeChanges(o, n).length > 0) cases.push({ name: base.name, old: o, new: n });
    let filled: Record<string, unknown> = base.facts;
    try {
      filled = older.validateFacts(base.facts);
    } catch {
      // An invalid base still gives its raw facts as thresholds.
    }
    for (const target of explored) {
      const points = pointsOf(target, target.dates ? base.facts : filled, step, base.asOf);
      const results = points.map((p) => both({ ...base.facts, [target.fact]: p.value }, base.asOf));
      const numeric = points.some((p) => p.min !== undefined || p.max !== undefined);
      for (const region of regionsOf(target.fact, points, results, base, numeric)) {
        const key = keyOf([region.fact, region.min, region.max, region.values, region.changed]);
        const seen = found.get(key);
        if (seen) seen.bases++;
        else found.set(key, region);
      }
    }
  }
  const order = new Map(explored.map((t, i) => [t.fact, i]));
  const regions = [...found.values()].sort(
    (a, b) => order.get(a.fact)! - order.get(b.fact)! || (a.min?.value ?? -Infinity) - (b.min?.value ?? -Infinity),
  );
  let replay: DiffReplay | undefined;
  if (options.replay) {
    const asOf = options.asOf;
    if (asOf === undefined) {
      throw new AftersalesError('INVALID_AS_OF', 'replaying facts needs asOf', [{ path: '/asOf', message: 'must be given to replay facts', code: 'INVALID_AS_OF' }]);
    }
    replay = { total: 0, changed: 0, examples: [] };
    for (const facts of options.replay) {
      const [o, n] = both(facts, asOf);
      if (outcomeChanges(o, n).length > 0) {
        if (replay.examples.length < (options.examples ?? 5)) replay.examples.push({ index: replay.total, facts, old: o, new: n });
        replay.changed++;
      }
      replay.total++;
    }
  }
  return {
    pack: older.id,
    old: { version: older.version, packHash: older.packHash },
    new: { version: newer.version, packHash: newer.packHash },
    differs: regions.length > 0 || cases.length > 0 || (replay?.changed ?? 0) > 0,
    rules,
    parameters,
    settings,
    facts: explored.map((t) => t.fact),
    skipped,
    bases: bases.length,
    evaluations,
    regions,
    cases,
    ...(replay ? { replay } : {}),
  };
}
