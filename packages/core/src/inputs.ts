/**
 * The inputs of one decision, checked: `asOf` (an instant within the years 0000–9999 in the pack's zone and in
 * its effective period), parameter overrides against each parameter's type, and facts against the pack's fact
 * schema (defaults applied). Each refusal is a typed error with JSON pointers.
 */
import { localDate, parseInstant } from './calendar.js';
import { AftersalesError, FactValidationError, PackNotEffectiveError, ParameterValidationError } from './errors.js';
import { cloneJson, isPlainObject } from './json.js';
import { pointerToken } from './path.js';
import { JsonShape, jsonShape, nonJsonProblems } from './plain-json.js';
import type { PackPlan } from './plan.js';
import type { Scope } from './references.js';
import { toProblems } from './schema.js';
import { unknownName } from './suggest.js';
import type { EvaluateOptions, Problem, WorkingDayCalendar } from './types.js';
import { compileCalendar, type CompiledCalendar } from './working-day-calendar.js';

/** The state of one evaluation: its scope and what the decision reports. */
export interface EvaluationState extends Scope {
  asOf: string;
  context: { asOf: string; asOfDate: string };
  overrides: Record<string, unknown>;
  /** Derived facts and required packs' outcomes, as computed. */
  derived: Record<string, unknown>;
  /** The working-day calendar of this decision (the options', else the pack's), as supplied and indexed. */
  calendar?: { data: WorkingDayCalendar; compiled: CompiledCalendar };
}

// The asOf string last accepted: a batch resolves the same one for every decision.
let lastAsOf: string | undefined;

/** `asOf` as an ISO string, or an `INVALID_AS_OF` error. */
export function resolveAsOf(value: unknown): string {
  if (typeof value === 'string' && value === lastAsOf) return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new AftersalesError('INVALID_AS_OF', 'asOf is an invalid Date', [{ path: '/asOf', message: 'must be a valid date-time', code: 'INVALID_AS_OF' }]);
    const iso = value.toISOString();
    // A Date before year 0 or after 9999 has an expanded year (-000001-…, +010000-…) that no asOf string may
    // carry and that compares wrongly with the effective dates: refuse it, as the same instant as a string is.
    if (parseInstant(iso) === null) throw new AftersalesError('INVALID_AS_OF', 'asOf must lie within the years 0000 to 9999', [{ path: '/asOf', message: 'must lie within the years 0000 to 9999', code: 'INVALID_AS_OF', expected: 'date-time', found: iso }]);
    return iso;
  }
  if (typeof value !== 'string' || parseInstant(value) === null) {
    throw new AftersalesError('INVALID_AS_OF', 'asOf must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T09:00:00+08:00', [
      { path: '/asOf', message: 'must be an ISO 8601 date-time with an offset', code: 'INVALID_AS_OF', expected: 'date-time', found: value === undefined ? 'undefined' : typeof value === 'string' ? value : typeof value },
    ]);
  }
  lastAsOf = value;
  return value;
}

/** The pack's parameter values with overrides applied, or a {@link ParameterValidationError}. */
export function parameterValues(plan: PackPlan, overrides: unknown): Record<string, unknown> {
  if (!isPlainObject(overrides)) {
    throw new ParameterValidationError([{ path: '', message: 'must be an object of parameter overrides', code: 'schema.type', expected: 'object', found: Array.isArray(overrides) ? 'array' : typeof overrides }]);
  }
  const defaults = plan.parameters;
  const problems: Problem[] = [];
  const values = { ...defaults };
  for (const [name, value] of Object.entries(overrides)) {
    const validator = plan.parameterValidators.get(name);
    if (!Object.prototype.hasOwnProperty.call(defaults, name) || !validator) {
      problems.push(unknownName(`/${pointerToken(name)}`, `unknown parameter "${name}"`, 'UNKNOWN_PARAMETER', name, Object.keys(defaults)));
      continue;
    }
    if (!validator(value)) problems.push(...toProblems(validator.errors, value, `/${pointerToken(name)}`));
    else values[name] = value;
  }
  if (problems.length > 0) throw new ParameterValidationError(problems);
  return values;
}

/** A copy of the facts, validated with defaults applied, or a {@link FactValidationError}. */
export function validateFacts(plan: PackPlan, facts: unknown): Record<string, unknown> {
  if (!isPlainObject(facts)) {
    throw new FactValidationError([{ path: '', message: 'must be an object', code: 'schema.type', expected: 'object', found: Array.isArray(facts) ? 'array' : facts === null ? 'null' : typeof facts }]);
  }
  // NaN, Infinity, a Date, a function, a class instance: refused, not turned into null, a string or {}. Facts
  // as JSON.parse builds them are validated in place, with only what the schema's defaults may change copied;
  // anything a JSON copy would normalise (an undefined member, a hole) is copied whole first, as before.
  const shape = jsonShape(facts);
  if (shape === JsonShape.NotJson) {
    const notJson = nonJsonProblems(facts);
    if (notJson.length > 0) throw new FactValidationError(notJson);
  }
  const copy = shape === JsonShape.Parsed ? plan.copyFacts(facts) : cloneJson(facts);
  const validate = plan.factsValidator;
  if (!validate(copy)) throw new FactValidationError(toProblems(validate.errors, copy));
  return copy;
}

/** Checks the inputs of one decision and starts its state. */
export function begin(plan: PackPlan, facts: unknown, options: EvaluateOptions, packCalendar?: WorkingDayCalendar): EvaluationState {
  const asOf = resolveAsOf(options?.asOf);
  const asOfDate = localDate(asOf, plan.timeZone);
  // An instant near year 0 or 9999 can fall outside those years in the pack's zone: no calendar date to decide on.
  if (asOfDate === null || !/^\d{4}-\d{2}-\d{2}$/.test(asOfDate)) {
    throw new AftersalesError('INVALID_AS_OF', `asOf ${asOf} falls outside the years 0000 to 9999 in ${plan.timeZone}`, [
      { path: '/asOf', message: `must fall within the years 0000 to 9999 in ${plan.timeZone}`, code: 'INVALID_AS_OF', expected: 'date-time', found: asOf },
    ]);
  }
  const { from, to } = plan.document.effective;
  if (asOfDate < from || (to !== undefined && asOfDate > to)) throw new PackNotEffectiveError(plan.id, asOfDate, plan.document.effective);
  const overrides = options.parameters ?? {};
  // Without overrides the pack's own values serve as they are (a decision only reads them).
  const params = options.parameters === undefined ? plan.parameters : parameterValues(plan, overrides);
  const values = validateFacts(plan, facts);
  const data = options.calendar ?? packCalendar;
  const state: EvaluationState = { asOf, context: { asOf, asOfDate }, overrides, params, values, derived: {} };
  if (data !== undefined) state.calendar = { data, compiled: compileCalendar(data) };
  return state;
}

/** Computes the derived facts in order into the state. */
export function derive(plan: PackPlan, state: EvaluationState): void {
  for (const d of plan.derived) {
    const args = d.resolveArgs(state) as Record<string, unknown>;
    const result = d.compute(args, { timeZone: plan.timeZone, calendar: state.calendar?.compiled });
    const value = result === undefined ? null : result;
    state.derived[d.name] = value;
    state.values[d.name] = value;
  }
}

/** A required pack's fact error, with its paths moved under the fact it read its input from. */
export function requiredError(factsFrom: string | undefined, error: unknown): unknown {
  if (error instanceof FactValidationError && factsFrom !== undefined) {
    const prefix = `/${pointerToken(factsFrom)}`;
    return new FactValidationError(error.problems.map((p) => ({ ...p, path: prefix + p.path })));
  }
  return error;
}
