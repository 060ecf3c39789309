/**
 * Words for enumerations, in both languages: the pack format's own (hit policies, source kinds, the operators of a
 * condition) and a pack's (`x-labels` beside an `enum` in its fact schema: `{ "zh": { value: label }, "en": {…} }`).
 * The docs generator, explanations, the CLI and the console all read them from here, so a value has one name in a
 * language. A value without a label is shown as it is written.
 */
import { isPlainObject } from './json.js';
import type { Localized, Problem, RulePackDocument } from './types.js';


/** The hit policies in words. */
export const HIT_POLICY_NAMES: Readonly<Record<string, Localized>> = {
  first: { zh: '首条命中（按优先级）', en: 'first match (by priority)' },
  collect: { zh: '汇总全部命中', en: 'collect every match' },
  unique: { zh: '唯一命中（多条命中即报错）', en: 'unique (more than one match is an error)' },
};

/** A source's kinds in words. */
export const SOURCE_KIND_NAMES: Readonly<Record<string, Localized>> = {
  manual: { zh: '企业手册', en: 'manual' },
  regulation: { zh: '法规', en: 'regulation' },
  standard: { zh: '标准', en: 'standard' },
  practice: { zh: '行业惯例', en: 'practice' },
  consultancy: { zh: '咨询意见', en: 'consultancy' },
};

/** The operators of a condition in words. */
export const OPERATOR_TEXT: Readonly<Record<string, Localized>> = {
  equal: { en: '=', zh: '=' },
  notEqual: { en: '≠', zh: '≠' },
  lessThan: { en: '<', zh: '<' },
  lessThanInclusive: { en: '≤', zh: '≤' },
  greaterThan: { en: '>', zh: '>' },
  greaterThanInclusive: { en: '≥', zh: '≥' },
  in: { en: 'is one of', zh: '属于' },
  notIn: { en: 'is not one of', zh: '不属于' },
  contains: { en: 'contains', zh: '包含' },
  doesNotContain: { en: 'does not contain', zh: '不包含' },
};

/** The decorators of an operator in words (`someFact:equal` → "some item of … ="). */
const DECORATOR_TEXT: Readonly<Record<string, Localized>> = {
  someFact: { en: 'some item', zh: '某一项' },
  everyFact: { en: 'every item', zh: '每一项' },
  someValue: { en: 'some value of', zh: '某一值' },
  everyValue: { en: 'every value of', zh: '每一值' },
  not: { en: 'not', zh: '非' },
  swap: { en: 'swapped', zh: '互换' },
};

/**
 * A hit policy in words; an unknown one as written.
 *
 * @example
 * ```ts
 * hitPolicyName('first', 'zh'); // '首条命中（按优先级）'
 * ```
 */
export function hitPolicyName(value: string, lang: 'zh' | 'en'): string {
  return HIT_POLICY_NAMES[value]?.[lang] ?? value;
}

/**
 * A source's kind in words; an unknown one as written.
 *
 * @example
 * ```ts
 * sourceKindName('regulation', 'zh'); // '法规'
 * ```
 */
export function sourceKindName(value: string, lang: 'zh' | 'en'): string {
  return SOURCE_KIND_NAMES[value]?.[lang] ?? value;
}

/**
 * An operator in words, its decorators too: `not:in` is "not is one of" / "非 属于"; an unknown one as written.
 *
 * @example
 * ```ts
 * operatorText('greaterThanInclusive', 'zh'); // '≥'
 * ```
 */
export function operatorText(operator: string, lang: 'zh' | 'en'): string {
  const parts = operator.split(':');
  const words = parts.map((part, i) => (i === parts.length - 1 ? OPERATOR_TEXT[part] : DECORATOR_TEXT[part])?.[lang]);
  return words.every((w) => w !== undefined) ? words.join(' ') : operator;
}

/** The schema at a dotted property path of one fact (`a.b`), or undefined where the schema does not say. */
function schemaAt(doc: RulePackDocument, fact: string, path?: string): Record<string, unknown> | undefined {
  const properties = (doc.facts as { properties?: unknown }).properties;
  let schema: unknown = isPlainObject(properties) && Object.prototype.hasOwnProperty.call(properties, fact) ? properties[fact] : undefined;
  for (const key of path ? path.replace(/^\$\.?/, '').split('.').filter((k) => k !== '') : []) {
    const inner = isPlainObject(schema) ? schema.properties : undefined;
    schema = isPlainObject(inner) && Object.prototype.hasOwnProperty.call(inner, key) ? inner[key] : undefined;
  }
  return isPlainObject(schema) ? schema : undefined;
}

/**
 * The label of one value of a fact (or of a path into it) from the `x-labels` beside its `enum`, in `lang`;
 * undefined when the pack gives none.
 *
 * @param doc - the pack document
 * @param fact - the fact name
 * @param path - a dotted property path into the fact (optional)
 * @param value - the value
 * @param lang - `zh` or `en`
 * @returns the label, or undefined
 * @example
 * ```ts
 * enumLabel(pack.document, 'mediaExposure', undefined, 'published', 'zh'); // '已曝光' (when the pack labels it)
 * ```
 */
export function enumLabel(doc: RulePackDocument, fact: string, path: string | undefined, value: unknown, lang: 'zh' | 'en'): string | undefined {
  const labels = schemaAt(doc, fact, path)?.['x-labels'];
  const byLang = isPlainObject(labels) ? labels[lang] : undefined;
  const label = isPlainObject(byLang) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') ? byLang[String(value)] : undefined;
  return typeof label === 'string' ? label : undefined;
}

/**
 * The problems of a fact schema's `x-labels`: each must sit beside an `enum` (or `const`) and label only its
 * values (the shape — `zh`/`en` maps of strings — is the pack schema's). Walks declared properties at any depth.
 *
 * @param facts - the pack's fact schema
 * @returns problems with code `UNKNOWN_ENUM_LABEL`, pointer into the pack document
 * @example
 * ```ts
 * checkEnumLabels({ type: 'object', properties: { a: { enum: ['x'], 'x-labels': { zh: { y: '乙' } } } } }); // one problem at /facts/properties/a/x-labels/zh/y
 * ```
 */
export function checkEnumLabels(facts: unknown): Problem[] {
  const problems: Problem[] = [];
  const walk = (schema: unknown, pointer: string) => {
    if (!isPlainObject(schema)) return;
    const labels = schema['x-labels'];
    if (isPlainObject(labels)) {
      const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
      const allowed = (values ?? []).map((v) => String(v));
      for (const lang of Object.keys(labels)) {
        const byLang = labels[lang];
        if (!isPlainObject(byLang)) continue;
        for (const key of Object.keys(byLang)) {
          if (allowed.includes(key)) continue;
          problems.push({
            path: `${pointer}/x-labels/${lang}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
            message: values ? `"${key}" is not one of the enum's values` : 'x-labels goes beside an enum or a const',
            code: 'UNKNOWN_ENUM_LABEL',
            found: key,
            ...(values ? { expected: allowed } : {}),
          });
        }
      }
    }
    const properties = schema.properties;
    if (isPlainObject(properties)) {
      for (const [name, sub] of Object.entries(properties)) walk(sub, `${pointer}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(facts, '/facts');
  return problems;
}
