/**
 * The boundary points of a fact, for {@link diffPacks}: where the conditions of two pack versions can change their
 * answer. The values compared with a fact (literals, parameters with each version's own value, another fact's value
 * in a base) cut a numeric fact's line into pieces — each threshold itself and the open stretches between — inside
 * which no condition on that fact changes its answer; a piece is sampled just above its lower edge and just below
 * its upper one. An enum, boolean or string fact is sampled at every value its schemas allow or a condition names.
 * The values come from the pack plans' condition trees (their leaves' classified operands), not from the document.
 */
import type { PlanLeaf } from './condition-tree.js';

/** One edge of a numeric region; absent on a side means unbounded. */
export interface DiffBound {
  value: number;
  inclusive: boolean;
}

/** A value to try for a fact, with the piece of the fact's line it stands for (numeric facts). */
export interface BoundaryPoint {
  value: unknown;
  /** Index of the piece it samples: two points with the same piece stand for one stretch. */
  piece: number;
  min?: DiffBound;
  max?: DiffBound;
}

/** The part of a fact's JSON Schema the points read. */
export interface FactSchema {
  type?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** The values a leaf compares its fact with: a literal, a parameter's value (in `parameters`), flattened. */
export function comparedValues(leaf: PlanLeaf, parameters: Record<string, unknown>): unknown[] {
  const { operand } = leaf;
  const value = operand.kind === 'literal' ? operand.value : operand.kind === 'param' ? parameters[operand.name] : undefined;
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a schema (of either version) makes a fact numeric. */
export function isNumericSchema(schemas: FactSchema[], compared: unknown[]): boolean {
  const types = schemas.map((s) => s.type).filter((t) => t !== undefined);
  if (types.length > 0) return types.every((t) => t === 'number' || t === 'integer');
  return compared.length > 0 && compared.every((v) => typeof v === 'number');
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * The points of a numeric fact: each cut (threshold or schema bound) the schemas allow, and each stretch between
 * two cuts sampled `step` inside both edges (integer facts: the first and last integer inside).
 *
 * @param cuts - the values compared with the fact, in any order
 * @param schemas - the fact's schema in each version that has it (the narrowest bounds apply)
 * @param step - how far inside a stretch to sample a non-integer fact
 * @returns the points in increasing order
 */
export function numericPoints(cuts: number[], schemas: FactSchema[], step: number): BoundaryPoint[] {
  const integer = schemas.length > 0 && schemas.every((s) => s.type === 'integer');
  const low = Math.max(...schemas.map((s) => num(s.minimum) ?? -Infinity));
  const exLow = Math.max(...schemas.map((s) => num(s.exclusiveMinimum) ?? -Infinity));
  const high = Math.min(...schemas.map((s) => num(s.maximum) ?? Infinity));
  const exHigh = Math.min(...schemas.map((s) => num(s.exclusiveMaximum) ?? Infinity));
  const allowed = (v: number): boolean => v >= low && v > exLow && v <= high && v < exHigh && (!integer || Number.isInteger(v));
  const floor = Math.max(low, exLow);
  const ceiling = Math.min(high, exHigh);
  const edges = [...new Set([...cuts, floor, ceiling].filter((v) => Number.isFinite(v) && v >= floor && v <= ceiling))].sort((a, b) => a - b);
  const points: BoundaryPoint[] = [];
  let piece = 0;
  const stretch = (from: number | undefined, to: number | undefined): void => {
    let inside: number[];
    if (integer) {
      const first = from === undefined ? (to as number) - 1 : Math.floor(from) + 1;
      const last = to === undefined ? first : Math.ceil(to) - 1;
      inside = first <= last ? [...new Set([first, last])] : [];
    } else {
      const room = from !== undefined && to !== undefined ? Math.min(step, (to - from) / 3) : step;
      inside = from === undefined ? [(to as number) - room] : to === undefined ? [from + room] : [from + room, to - room];
    }
    const at = piece++;
    const min = from === undefined ? undefined : integer ? { value: inside[0]!, inclusive: true } : { value: from, inclusive: false };
    const max = to === undefined ? undefined : integer ? { value: inside[inside.length - 1]!, inclusive: true } : { value: to, inclusive: false };
    for (const value of inside.filter(allowed)) points.push({ value, piece: at, ...(min ? { min } : {}), ...(max ? { max } : {}) });
  };
  if (edges.length === 0) return points;
  if (!Number.isFinite(floor)) stretch(undefined, edges[0]);
  edges.forEach((edge, i) => {
    const at = piece++;
    if (allowed(edge)) points.push({ value: edge, piece: at, min: { value: edge, inclusive: true }, max: { value: edge, inclusive: true } });
    const next = edges[i + 1];
    if (next !== undefined) stretch(edge, next);
    else if (!Number.isFinite(ceiling)) stretch(edge, undefined);
  });
  return points;
}

/**
 * The points of a fact that is not numeric: every enum value of its schemas (in schema order), then every other
 * value a condition compares it with, `false` and `true` for a boolean.
 *
 * @param compared - the values compared with the fact
 * @param schemas - the fact's schema in each version that has it
 * @returns one point per distinct value, each its own piece
 */
export function valuePoints(compared: unknown[], schemas: FactSchema[]): BoundaryPoint[] {
  const values: unknown[] = [];
  const seen = new Set<string>();
  const add = (value: unknown): void => {
    const key = JSON.stringify(value);
    if (key === undefined || seen.has(key) || (value !== null && typeof value === 'object')) return;
    seen.add(key);
    values.push(value);
  };
  for (const schema of schemas) {
    if (schema.type === 'boolean') [false, true].forEach(add);
    (schema.enum ?? []).forEach(add);
  }
  compared.forEach(add);
  return values.map((value, piece) => ({ value, piece }));
}

/**
 * The region text of a run of points: `claimAmountYuan in [30000, 50000)`, `casualties ≥ 3`,
 * `mediaExposure in {"imminent", "published"}`.
 */
export function regionText(fact: string, min: DiffBound | undefined, max: DiffBound | undefined, values: unknown[] | undefined): string {
  if (values) return values.length === 1 ? `${fact} = ${JSON.stringify(values[0])}` : `${fact} in {${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  if (min && max && min.value === max.value) return `${fact} = ${min.value}`;
  if (min && max) return `${fact} in ${min.inclusive ? '[' : '('}${min.value}, ${max.value}${max.inclusive ? ']' : ')'}`;
  if (min) return `${fact} ${min.inclusive ? '≥' : '>'} ${min.value}`;
  if (max) return `${fact} ${max.inclusive ? '≤' : '<'} ${max.value}`;
  return `${fact}: any value`;
}
