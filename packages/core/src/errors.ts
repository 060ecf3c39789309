/**
 * Error classes of aftersales. Each has a stable `code` a host can switch on and carries the list of
 * problems found, each saying where (a JSON pointer) and why, so a policy owner can fix a pack and an
 * integrator can map bad facts back to the fields of their own form.
 */
import type { Problem } from './types.js';

/** Base class of every error aftersales throws on purpose. */
export class AftersalesError extends Error {
  /** Stable machine code, e.g. `INVALID_PACK`. */
  readonly code: string;
  /** Every problem found, each with a JSON pointer. */
  readonly problems: Problem[];

  constructor(code: string, message: string, problems: Problem[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.problems = problems;
  }

  /** A plain object for logs and HTTP bodies: `{ code, message, problems }`. */
  toJSON(): { code: string; message: string; problems: Problem[] } {
    return { code: this.code, message: this.message, problems: this.problems };
  }
}

function summarise(what: string, problems: Problem[]): string {
  const first = problems[0];
  if (!first) return what;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${what}: ${first.path || '/'} ${first.message}${more}`;
}

/**
 * The pack document is not a valid rule pack: schema errors, unknown parameters or calculators, duplicate
 * rule names, unresolved `requires` or a cycle.
 *
 * @example
 * ```ts
 * try { loadPack(json) } catch (e) { if (e instanceof PackValidationError) console.log(e.problems) }
 * ```
 */
export class PackValidationError extends AftersalesError {
  constructor(problems: Problem[]) {
    super('INVALID_PACK', summarise('invalid rule pack', problems), problems);
  }
}

/** The facts given to `evaluate` do not match the pack's fact schema. */
export class FactValidationError extends AftersalesError {
  constructor(problems: Problem[]) {
    super('INVALID_FACTS', summarise('invalid facts', problems), problems);
  }
}

/** A parameter override names an unknown parameter or has the wrong type or range. */
export class ParameterValidationError extends AftersalesError {
  constructor(problems: Problem[]) {
    super('INVALID_PARAMETERS', summarise('invalid parameter overrides', problems), problems);
  }
}

/** A `unique` pack had more than one rule fire. */
export class RuleConflictError extends AftersalesError {
  /** The rules that fired together. */
  readonly rules: string[];
  constructor(pack: string, rules: string[]) {
    super('RULE_CONFLICT', `pack ${pack} has hit policy "unique" but ${rules.length} rules fired: ${rules.join(', ')}`, [
      { path: '/rules', message: `more than one rule fired: ${rules.join(', ')}`, code: 'RULE_CONFLICT', expected: 'at most 1 rule', found: rules },
    ]);
    this.rules = rules;
  }
}

/** `asOf` lies outside the pack's `effective` period. */
export class PackNotEffectiveError extends AftersalesError {
  constructor(pack: string, asOfDate: string, effective: { from: string; to?: string }) {
    const period = effective.to ? `${effective.from} to ${effective.to}` : `from ${effective.from}`;
    super('NOT_EFFECTIVE', `pack ${pack} is effective ${period}; asOf is ${asOfDate}`, [
      { path: '/effective', message: `asOf ${asOfDate} is outside the effective period`, code: 'NOT_EFFECTIVE', expected: period, found: asOfDate },
    ]);
  }
}

/** A property path tried to reach `__proto__`, `constructor` or `prototype`, or is malformed. */
export class UnsafePathError extends AftersalesError {
  constructor(path: string, reason: string) {
    super('UNSAFE_PATH', `unsafe property path "${path}": ${reason}`, [
      { path: '', message: reason, code: 'UNSAFE_PATH', found: path },
    ]);
  }
}

/** The outcome a pack produced does not match its own outcome schema: a defect of the pack. */
export class OutcomeValidationError extends AftersalesError {
  constructor(pack: string, problems: Problem[]) {
    super('INVALID_OUTCOME', summarise(`pack ${pack} produced an outcome that breaks its outcome schema`, problems), problems);
  }
}
