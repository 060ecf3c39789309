/**
 * Words for the pack format's own enumerations, in both languages: the hit policy and a source's kind. The tables are
 * core's (`HIT_POLICY_NAMES`, `SOURCE_KIND_NAMES`), which the docs generator and the CLI read too, so a value has one
 * name in a language; a pack's own enum values are labelled by core's `enumLabel` (`x-labels` in its fact schema)
 * inside the condition text core formats. A value the tables do not know (a newer pack format) is shown as written.
 */
import { hitPolicyName, sourceKindName } from '@aftersales/core';
import type { Lang } from './i18n.js';

/**
 * A hit policy in words.
 *
 * @example
 * ```ts
 * hitPolicyLabel('first', 'zh'); // '首条命中（按优先级）'
 * ```
 */
export function hitPolicyLabel(value: string, lang: Lang): string {
  return hitPolicyName(value, lang);
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
  return sourceKindName(value, lang);
}
