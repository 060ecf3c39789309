/**
 * Keys a pack does not know, moved under `meta`. A pack refuses unknown keys everywhere, so that a misspelt
 * `"priorty"` is never silently lost; a host's own keys (`customId`, `tags`, …) belong under one free-form `meta`
 * object on the pack, a rule, an event, a condition, a parameter or a source. json-rules-engine rule sets often
 * carry such keys on rules and conditions (json-rules-engine ignores them): this module moves them under `meta`,
 * reporting each move, for `aftersales import json-rules-engine` and for anyone converting rule sets in code.
 * The keys known are read from the pack schema itself, so the two cannot disagree.
 */
import { rulePackSchema } from './schema.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const defs = rulePackSchema.$defs as Record<string, { properties: Json }>;
const keysOf = (schema: { properties: Json } | undefined): ReadonlySet<string> => new Set(Object.keys(schema?.properties ?? {}));

/** The keys the pack format knows on each object of a rule (json-rules-engine's own keys among them). */
const KNOWN = {
  rule: keysOf(defs.rule),
  event: keysOf(defs.rule?.properties.event as { properties: Json }),
  leaf: keysOf(defs.leafCondition),
  group: keysOf(defs.topCondition),
  reference: keysOf(defs.conditionReference),
};

/** One key moved: where it was and where it is now (JSON pointers). */
export interface MovedKey {
  /** The key's pointer before the move, e.g. `/rules/0/customId`. */
  from: string;
  /** Its pointer under `meta`, e.g. `/rules/0/meta/customId`. */
  to: string;
}

const token = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** A copy of `object` with the keys not in `known` under `meta` (merged with a `meta` object already there). */
function moveKeys(object: Json, known: ReadonlySet<string>, pointer: string, moved: MovedKey[]): Json {
  const out: Json = {};
  const meta: Json = isObject(object.meta) ? { ...object.meta } : {};
  let changed = false;
  for (const [key, value] of Object.entries(object)) {
    if (known.has(key) && !(key === 'meta' && !isObject(value))) {
      if (key !== 'meta') out[key] = value;
      continue;
    }
    // An unknown key (or a `meta` that is not an object) goes under meta, never over a key already there.
    let name = key;
    for (let n = 2; hasOwn(meta, name); n++) name = `${key}-${n}`;
    meta[name] = value;
    moved.push({ from: `${pointer}/${token(key)}`, to: `${pointer}/meta/${token(name)}` });
    changed = true;
  }
  if (changed || isObject(object.meta)) out.meta = meta;
  return out;
}

/**
 * A condition (leaf, group or shared-condition reference, with everything below it) with every key the pack
 * format does not know moved under that condition's `meta`.
 *
 * @param condition - a condition in json-rules-engine's shape (not changed)
 * @param pointer - the condition's JSON pointer, for the report (default `""`)
 * @returns the converted copy and each key moved
 * @example
 * ```ts
 * moveConditionKeysToMeta({ fact: 'age', operator: 'greaterThan', value: 17, id: 'c1' }, '/conditions/adult');
 * // { condition: { fact: 'age', operator: 'greaterThan', value: 17, meta: { id: 'c1' } },
 * //   moved: [{ from: '/conditions/adult/id', to: '/conditions/adult/meta/id' }] }
 * ```
 */
export function moveConditionKeysToMeta(condition: unknown, pointer = ''): { condition: unknown; moved: MovedKey[] } {
  const moved: MovedKey[] = [];
  return { condition: convertCondition(condition, pointer, moved), moved };
}

function convertCondition(condition: unknown, pointer: string, moved: MovedKey[]): unknown {
  if (!isObject(condition)) return condition;
  if (hasOwn(condition, 'fact')) return moveKeys(condition, KNOWN.leaf, pointer, moved);
  if (hasOwn(condition, 'condition')) return moveKeys(condition, KNOWN.reference, pointer, moved);
  const out = moveKeys(condition, KNOWN.group, pointer, moved);
  for (const group of ['all', 'any'] as const) {
    const items = out[group];
    if (Array.isArray(items)) out[group] = items.map((c, i) => convertCondition(c, `${pointer}/${group}/${i}`, moved));
  }
  if (hasOwn(out, 'not')) out.not = convertCondition(out.not, `${pointer}/not`, moved);
  return out;
}

/**
 * A rule with every key the pack format does not know — on the rule, its event and each of its conditions — moved
 * under the `meta` of the object that held it. Keys json-rules-engine knows (`name`, `priority`, `conditions`,
 * `event` with `type` and `params`; `fact`, `path`, `operator`, `value`, `params`, `priority`, `name` on a
 * condition) and the pack's own (`source`, `message`, `meta`) stay where they are.
 *
 * @param rule - a rule in json-rules-engine's shape (not changed)
 * @param pointer - the rule's JSON pointer, for the report (default `""`)
 * @returns the converted copy and each key moved
 * @example
 * ```ts
 * const { rule, moved } = moveRuleKeysToMeta({ name: 'gold', customId: 'R-1', conditions: { all: [] }, event: { type: 'vip' } }, '/rules/0');
 * // rule.meta → { customId: 'R-1' }; moved → [{ from: '/rules/0/customId', to: '/rules/0/meta/customId' }]
 * ```
 */
export function moveRuleKeysToMeta(rule: Record<string, unknown>, pointer = ''): { rule: Record<string, unknown>; moved: MovedKey[] } {
  const moved: MovedKey[] = [];
  const out = moveKeys(rule, KNOWN.rule, pointer, moved);
  if (isObject(out.event)) out.event = moveKeys(out.event, KNOWN.event, `${pointer}/event`, moved);
  if (hasOwn(out, 'conditions')) out.conditions = convertCondition(out.conditions, `${pointer}/conditions`, moved);
  return { rule: out, moved };
}
