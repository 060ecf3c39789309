/**
 * The copy of a decision's facts that validation may write into. The fact validator applies the schema's
 * `default`s to the object it checks, and the caller's facts must not change: the copy holds every place a
 * default can be written, and nothing else. Worked out once per fact schema, at load: a top-level property's own
 * `default` needs only the top-level object copied; a member whose schema holds a `default` deeper down is copied
 * whole; other members are read in place. A schema this cannot see through (a `$ref`, a default outside the
 * top-level `properties`) copies everything, as a JSON copy always did.
 */
import { cloneJson, isPlainObject } from './json.js';

/** Copies facts (already known to be JSON data as `JSON.parse` builds it) where defaults may be written. */
export type FactsCopier = (facts: Record<string, unknown>) => Record<string, unknown>;

const REFERENCE_KEYS = new Set(['$ref', '$dynamicRef', '$recursiveRef']);

/** Whether a schema value holds any of `keys`, at any depth (conservative: a property named so counts too). */
function holdsKey(value: unknown, keys: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((item) => holdsKey(item, keys));
  if (!isPlainObject(value)) return false;
  for (const [key, item] of Object.entries(value)) if (keys.has(key) || holdsKey(item, keys)) return true;
  return false;
}

const WITH_DEFAULT = new Set(['default', ...REFERENCE_KEYS]);

/**
 * The copier of a fact schema.
 *
 * @param schema - the pack's fact schema
 * @returns a function that copies facts where the schema's defaults may be written
 * @example
 * ```ts
 * const copy = factsCopier({ type: 'object', properties: { n: { type: 'number', default: 0 }, tags: { type: 'array' } } });
 * const facts = { tags: ['a'] };
 * copy(facts).tags === facts.tags // true: no default can be written inside tags
 * ```
 */
export function factsCopier(schema: unknown): FactsCopier {
  if (!isPlainObject(schema) || holdsKey(schema, REFERENCE_KEYS)) return cloneJson;
  const { properties, ...rest } = schema;
  if (properties !== undefined && !isPlainObject(properties)) return cloneJson;
  if (holdsKey(rest, WITH_DEFAULT)) return cloneJson;
  const deep: string[] = [];
  for (const [name, sub] of Object.entries(properties ?? {})) {
    let inner = sub;
    if (isPlainObject(sub)) {
      const { default: _own, ...others } = sub;
      void _own;
      inner = others;
    }
    if (holdsKey(inner, WITH_DEFAULT)) deep.push(name);
  }
  // An assignment to "__proto__" would set the prototype, not the member.
  if (deep.includes('__proto__')) return cloneJson;
  if (deep.length === 0) return (facts) => ({ ...facts });
  return (facts) => {
    const copy = { ...facts };
    for (const name of deep) if (Object.prototype.hasOwnProperty.call(copy, name)) copy[name] = cloneJson(copy[name]);
    return copy;
  };
}
