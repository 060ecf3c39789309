/**
 * A problem in the reader's language. Problems carry one English `message` on every wire (library, CLI, batch,
 * HTTP); a person reading Chinese gets the text of its code instead: ajv's own keywords (`schema.minimum`, …) in
 * ajv-i18n's Chinese, made from the same parameters the problem keeps (`expected`, `found`, its pointer), and our
 * own codes from {@link PROBLEM_MESSAGES}. What was found, allowed and suggested is said after it, in the same
 * language ({@link problemDetailsText}).
 */
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import type { ErrorObject } from 'ajv';
import { ERROR_MESSAGES, isErrorCode } from './errors.js';
import type { Lang } from './docs.js';
import type { Localized, Problem } from './types.js';

/**
 * The Chinese and English text of every problem code aftersales itself gives (ajv's keywords, `schema.*`, are
 * worded by ajv and ajv-i18n). The English problem message says the particulars; these say what kind of problem it
 * is, and the names involved follow in the details.
 */
export const PROBLEM_MESSAGES: Readonly<Record<string, Localized>> = {
  UNKNOWN_KEY: { zh: '未知的键', en: 'unknown key' },
  UNKNOWN_FACT: { zh: '未知的事实', en: 'unknown fact' },
  UNKNOWN_PARAMETER: { zh: '未知的参数', en: 'unknown parameter' },
  UNKNOWN_OPERATOR: { zh: '未知的运算符', en: 'unknown operator' },
  UNKNOWN_CALCULATOR: { zh: '未知的计算器', en: 'unknown calculator' },
  UNKNOWN_ARGUMENT: { zh: '计算器没有此参数', en: 'the calculator has no such argument' },
  MISSING_ARGUMENT: { zh: '缺少计算器参数', en: 'a calculator argument is missing' },
  UNKNOWN_ENUM_LABEL: { zh: '标签所对应的值不是枚举值之一', en: 'a label for a value the enum does not have' },
  UNKNOWN_CONDITION: { zh: '未知的共享条件', en: 'unknown shared condition' },
  UNKNOWN_TIME_ZONE: { zh: '不是 IANA 时区名', en: 'not an IANA time zone name' },
  INVALID_DATE: { zh: '不是真实存在的日期', en: 'not a real calendar date' },
  INVALID_PERIOD: { zh: '生效期的结束早于开始', en: 'the effective period ends before it starts' },
  INVALID_PRIORITY: { zh: '优先级无效（按 json-rules-engine 读取后小于 1）', en: 'invalid priority (below 1 as json-rules-engine reads it)' },
  INVALID_OPERAND: { zh: '运算符的比较值无效', en: 'invalid operand for the operator' },
  INVALID_SCHEMA: { zh: 'JSON Schema 无法编译', en: 'the JSON Schema does not compile' },
  DUPLICATE_RULE: { zh: '规则名重复', en: 'duplicate rule name' },
  DUPLICATE_FACT: { zh: '事实名重复', en: 'duplicate fact name' },
  DUPLICATE_CASE: { zh: '用例名重复', en: 'duplicate case name' },
  DYNAMIC_FACT: { zh: '事实名不能由运行时决定', en: 'a fact name cannot be decided at run time' },
  REQUIRES_CYCLE: { zh: '依赖的规则包形成循环', en: 'the required packs form a cycle' },
  REQUIRES_UNRESOLVED: { zh: '依赖的规则包不在注册表中', en: 'a required pack is not in the registry' },
  CONDITION_CYCLE: { zh: '共享条件引用了自身', en: 'a shared condition refers to itself' },
  UNDEFINED_FACT: { zh: '规则读取的事实未提供，且没有默认值', en: 'a fact a rule reads is absent and has no default' },
  EXPECT_CONFLICT: { zh: '用例的预期相互矛盾', en: 'the case expects contradictory things' },
  PACK_MISMATCH: { zh: '测试集属于另一个规则包', en: 'the suite belongs to another pack' },
  PACK_ID_MISMATCH: { zh: '规则包 id 与预期不符', en: 'the pack id is not the one expected' },
  ID_MISMATCH: { zh: 'id 与预期不符', en: 'the id is not the one expected' },
  VERSION_MISMATCH: { zh: '版本与预期不符', en: 'the version is not the one expected' },
  NOT_JSON: { zh: '不是 JSON', en: 'not JSON' },
  NO_SUITE: { zh: '没有测试集', en: 'no suite' },
  SUITE_REQUIRED: { zh: '需要测试集', en: 'a suite is required' },
  TEST_FAILED: { zh: '测试未通过', en: 'a test failed' },
  'schema.range': { zh: '超出允许的范围', en: 'out of the allowed range' },
  'schema.finite': { zh: '必须是有限的数', en: 'must be a finite number' },
  'schema.maxDepth': { zh: '嵌套过深', en: 'nested too deeply' },
};

/** The ajv error a problem of code `schema.<keyword>` was made from, as far as the problem keeps it. */
function errorObjectOf(problem: Problem, keyword: string): ErrorObject {
  const params: Record<string, unknown> = {};
  const expected = problem.expected;
  const text = typeof expected === 'string' ? expected : typeof expected === 'number' ? String(expected) : '';
  const limit = /^(?:([<>]=?)\s+)?(-?[\d.e+-]+)$/.exec(text);
  if (limit) {
    if (limit[1] !== undefined) params.comparison = limit[1];
    params.limit = Number(limit[2]);
  }
  if (keyword === 'type') params.type = Array.isArray(expected) ? expected.join(',') : text;
  if (keyword === 'format') params.format = text.replace(/^format /, '');
  if (keyword === 'pattern') params.pattern = text.replace(/^pattern /, '');
  if (keyword === 'required') params.missingProperty = decodeURIComponent(problem.path.split('/').pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  if (keyword === 'if') params.failingKeyword = 'then';
  return { keyword, params, instancePath: problem.path, schemaPath: '', message: problem.message } as ErrorObject;
}

/**
 * A problem's message in one language: English is the problem's own `message`; Chinese is ajv-i18n's wording of an
 * ajv keyword, or the catalogue's text of our own code ({@link PROBLEM_MESSAGES}, then the error catalogue), or,
 * for a code neither knows, the English message.
 *
 * @param problem - a problem, as any aftersales error or validation returns it
 * @param lang - `zh` or `en`
 * @returns the text to show (the particulars — found, allowed, did you mean — are {@link problemDetailsText})
 * @example
 * ```ts
 * problemText({ path: '/parameters/x/value', message: 'must be >= 0', code: 'schema.minimum', expected: '>= 0' }, 'zh') // '应当为 >= 0'
 * ```
 */
export function problemText(problem: Problem, lang: Lang): string {
  if (lang === 'en') return problem.message;
  const own = PROBLEM_MESSAGES[problem.code] ?? (isErrorCode(problem.code) ? ERROR_MESSAGES[problem.code] : undefined);
  if (own) return own.zh;
  if (problem.code.startsWith('schema.')) {
    const error = errorObjectOf(problem, problem.code.slice('schema.'.length));
    localizeZh([error]);
    if (typeof error.message === 'string' && error.message !== problem.message && !error.message.includes('undefined')) return error.message;
  }
  return problem.message;
}

/** Allowed values listed in the details up to this many. */
const MAX_LISTED = 12;

/**
 * What a problem found and what would do instead, as a tail to its text, in one language:
 * ` (found "frist"; did you mean "first"?)` or ` （发现 "frist"；是否想写 "first"？）`, with the allowed values when the
 * text does not list them. Empty when the problem carries none of them.
 *
 * @param problem - the problem
 * @param lang - `zh` or `en`
 * @param text - the text the details follow (default: {@link problemText}), so that nothing is said twice
 * @returns the tail, starting with a space, or `''`
 * @example
 * ```ts
 * problemDetailsText({ path: '/hitPolicy', message: 'must be one of "first"', code: 'schema.enum', found: 'frist', suggestion: 'first' }, 'zh')
 * ```
 */
export function problemDetailsText(problem: Problem, lang: Lang, text: string = problemText(problem, lang)): string {
  const zh = lang === 'zh';
  const parts: string[] = [];
  if (problem.found !== undefined) parts.push(`${zh ? '发现 ' : 'found '}${JSON.stringify(problem.found)}`);
  const { expected } = problem;
  // An enum's English message lists its values already (or says there are too many to list).
  if (Array.isArray(expected) && !text.includes('allowed:') && !(problem.code === 'schema.enum' && !zh)) {
    const listed = expected.slice(0, MAX_LISTED).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    const more = expected.length > MAX_LISTED ? `, … (${zh ? `另有 ${expected.length - MAX_LISTED} 个` : `${expected.length - MAX_LISTED} more`})` : '';
    parts.push(`${zh ? '允许：' : 'allowed: '}${listed}${more}`);
  } else if ((typeof expected === 'string' || typeof expected === 'number') && !text.includes(String(expected))) {
    parts.push(`${zh ? '应为 ' : 'expected '}${expected}`);
  }
  if (problem.suggestion !== undefined && !text.includes('did you mean')) {
    const near = JSON.stringify(problem.suggestion);
    parts.push(zh ? `是否想写 ${near}？` : `did you mean ${near}?`);
  }
  if (parts.length === 0) return '';
  return zh ? ` （${parts.join('；')}）` : ` (${parts.join('; ')})`;
}
