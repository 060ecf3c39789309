/**
 * The error catalogue of aftersales: every error code ({@link ErrorCode}) with its message in Chinese and English,
 * one base class ({@link AftersalesError}) that every error thrown on purpose extends, and one body
 * ({@link toErrorBody}) that the CLI, the batch and the server write for any error. Each error carries the list of
 * problems found, each saying where (a JSON pointer) and why, so a policy owner can fix a pack and an integrator
 * can map bad facts back to the fields of their own form.
 */
import type { Localized, Problem } from './types.js';

/** Every error code aftersales answers with (core, the CLI and the batch). */
export type ErrorCode =
  | 'INVALID_PACK'
  | 'INVALID_SUITE'
  | 'INVALID_FACTS'
  | 'INVALID_PARAMETERS'
  | 'INVALID_AS_OF'
  | 'INVALID_CALENDAR'
  | 'NOT_EFFECTIVE'
  | 'RULE_CONFLICT'
  | 'INVALID_OUTCOME'
  | 'UNSAFE_PATH'
  | 'NO_AS_OF'
  | 'INVALID_JSON'
  | 'EMPTY_LINE'
  | 'LINE_TOO_LONG'
  | 'USAGE'
  | 'FILE'
  | 'SAME_FILE'
  | 'OUTPUT_UNWRITABLE'
  | 'INPUT_TOO_DEEP'
  | 'TYPE_MISMATCH'
  | 'UNKNOWN_ENUM_VALUE'
  | 'UNREACHABLE_CONDITION'
  | 'INTERNAL';

/** The message of every {@link ErrorCode}, in Chinese and English. */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, Localized>> = {
  INVALID_PACK: { zh: '规则包无效', en: 'invalid rule pack' },
  INVALID_SUITE: { zh: '测试用例集无效', en: 'invalid test suite' },
  INVALID_FACTS: { zh: '事实数据不符合规则包的事实模式', en: "the facts do not match the pack's fact schema" },
  INVALID_PARAMETERS: { zh: '参数覆盖无效', en: 'invalid parameter overrides' },
  INVALID_AS_OF: { zh: 'asOf 不是有效的 ISO 8601 时间', en: 'asOf is not a valid ISO 8601 date-time' },
  INVALID_CALENDAR: { zh: '工作日历无效', en: 'invalid working-day calendar' },
  NOT_EFFECTIVE: { zh: 'asOf 不在规则包的生效期内', en: "asOf is outside the pack's effective period" },
  RULE_CONFLICT: { zh: '规则包缺陷：多条规则同时触发（unique）', en: 'pack defect: more than one rule fired (hit policy unique)' },
  INVALID_OUTCOME: { zh: '规则包缺陷：结果不符合其结果模式', en: 'pack defect: the outcome breaks its outcome schema' },
  UNSAFE_PATH: { zh: '不安全的属性路径', en: 'unsafe property path' },
  NO_AS_OF: { zh: '测试用例及其测试集都没有 asOf', en: 'the case has no asOf and neither has the suite' },
  INVALID_JSON: { zh: '不是 JSON', en: 'not JSON' },
  EMPTY_LINE: { zh: '该行为空', en: 'line is empty' },
  LINE_TOO_LONG: { zh: '该行过长', en: 'line is too long' },
  USAGE: { zh: '命令用法错误', en: 'wrong command usage' },
  FILE: { zh: '文件无法读取', en: 'the file cannot be read' },
  SAME_FILE: { zh: '输出文件就是输入文件', en: 'the output is the input file' },
  OUTPUT_UNWRITABLE: { zh: '输出文件无法写入', en: 'the output cannot be written' },
  INPUT_TOO_DEEP: { zh: '输入嵌套过深', en: 'the input is nested too deeply' },
  TYPE_MISMATCH: { zh: '比较值的类型与事实的类型不符，条件无法按预期成立', en: "the compared value's type does not match the fact's type; the condition cannot hold as meant" },
  UNKNOWN_ENUM_VALUE: { zh: '比较值不是该事实允许的取值之一', en: 'the compared value is not one of the values the fact allows' },
  UNREACHABLE_CONDITION: { zh: '条件永远不会成立（超出事实的取值范围或相互矛盾）', en: "the condition can never hold (outside the fact's range, or contradicting another)" },
  INTERNAL: { zh: '内部错误', en: 'internal error' },
};

/** Whether a string is an {@link ErrorCode}. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code);
}

/** Base class of every error aftersales throws on purpose. */
export class AftersalesError extends Error {
  /** Stable machine code, e.g. `INVALID_PACK`. */
  readonly code: ErrorCode;
  /** Every problem found, each with a JSON pointer. */
  readonly problems: Problem[];

  /**
   * @param code - the error's code
   * @param message - the English message, saying what in particular went wrong
   * @param problems - where and why, each with a JSON pointer
   * @example
   * ```ts
   * throw new AftersalesError('INVALID_AS_OF', 'asOf is an invalid Date', [{ path: '/asOf', message: 'must be a valid date-time', code: 'INVALID_AS_OF' }]);
   * ```
   */
  constructor(code: ErrorCode, message: string, problems: Problem[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.problems = problems;
  }

  /** A plain object for logs: `{ code, message, problems }` (the English message). */
  toJSON(): { code: string; message: string; problems: Problem[] } {
    return { code: this.code, message: this.message, problems: this.problems };
  }
}

/** The one error body of aftersales: code, message in Chinese and English, problems. */
export interface ErrorBody {
  code: ErrorCode;
  message: Localized;
  problems: Problem[];
}

/**
 * The code of anything thrown: an {@link AftersalesError}'s code (or another error's, when it is a catalogued
 * code), `INTERNAL` otherwise.
 *
 * @example
 * ```ts
 * errorCodeOf(new FactValidationError([])) // 'INVALID_FACTS'
 * errorCodeOf(new TypeError('x')) // 'INTERNAL'
 * ```
 */
export function errorCodeOf(error: unknown): ErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : 'INTERNAL';
}

/**
 * The body of an error for a person or a program: its code, the catalogue's Chinese message and the particular
 * English one, and its problems. Anything that is not an aftersales error (or another error carrying a catalogued
 * code and problems) is `INTERNAL` with the catalogue's message only: no internals leak.
 *
 * @param error - anything thrown
 * @returns `{ code, message: { zh, en }, problems }`
 * @example
 * ```ts
 * try { pack.evaluateSync(facts, { asOf }) } catch (e) { res.status(422).json({ error: toErrorBody(e) }) }
 * ```
 */
export function toErrorBody(error: unknown): ErrorBody {
  const code = errorCodeOf(error);
  if (code === 'INTERNAL') return { code, message: { ...ERROR_MESSAGES.INTERNAL }, problems: [] };
  const e = error as { message?: unknown; problems?: unknown };
  const en = typeof e.message === 'string' && e.message !== '' ? e.message : ERROR_MESSAGES[code].en;
  return { code, message: { zh: ERROR_MESSAGES[code].zh, en }, problems: Array.isArray(e.problems) ? (e.problems as Problem[]) : [] };
}
function summarise(what: string, problems: Problem[]): string {
  const first = problems[0];
  if (!first) return what;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const hint = first.suggestion !== undefined && !first.message.includes('did you mean') ? ` (did you mean "${first.suggestion}"?)` : '';
  return `${what}: ${first.path || '/'} ${first.message}${hint}${more}`;
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

/**
 * A test suite is not a valid suite of the pack it runs against: schema errors (a misspelt key in a case or its
 * `expect`, an empty `expect`), another pack's id, duplicate case names, a case without `asOf`.
 *
 * @example
 * ```ts
 * try { await runSuite(pack, suite) } catch (e) { if (e instanceof SuiteValidationError) console.log(e.problems) }
 * ```
 */
export class SuiteValidationError extends AftersalesError {
  constructor(problems: Problem[]) {
    super('INVALID_SUITE', summarise('invalid test suite', problems), problems);
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
