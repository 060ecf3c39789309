/**
 * Words for the pack format's own enumerations, in both languages: the hit policy and a source's kind. A value the
 * table does not know (a newer pack format) is shown as it is written.
 */
import type { Lang } from './i18n.js';

const HIT_POLICIES: Record<string, { zh: string; en: string }> = {
  first: { zh: '首条命中（按优先级）', en: 'first match (by priority)' },
  collect: { zh: '汇总全部命中', en: 'collect every match' },
  unique: { zh: '唯一命中（多条命中即报错）', en: 'unique (more than one match is an error)' },
};

const SOURCE_KINDS: Record<string, { zh: string; en: string }> = {
  manual: { zh: '企业手册', en: 'manual' },
  regulation: { zh: '法规', en: 'regulation' },
  standard: { zh: '标准', en: 'standard' },
  practice: { zh: '行业惯例', en: 'practice' },
  consultancy: { zh: '咨询意见', en: 'consultancy' },
};

/**
 * A hit policy in words.
 *
 * @example
 * ```ts
 * hitPolicyLabel('first', 'zh'); // '首条命中（按优先级）'
 * ```
 */
export function hitPolicyLabel(value: string, lang: Lang): string {
  return HIT_POLICIES[value]?.[lang] ?? value;
}

/**
 * A source's kind in words.
 *
 * @example
 * ```ts
 * sourceKindLabel('regulation', 'zh'); // '法规'
 * ```
 */
export function sourceKindLabel(value: string, lang: Lang): string {
  return SOURCE_KINDS[value]?.[lang] ?? value;
}
