/**
 * References in a pack's values (`{param}`, `{fact, path?}`, `{context}`): recognising them, walking them with
 * their JSON pointers, and compiling a value that holds them into a function of the evaluation scope, once at
 * load.
 */
import { isPlainObject } from './json.js';
import { parsePath, pointerToken, step } from './path.js';

/** A reference object as authored. */
export interface ReferenceValue {
  param?: string;
  fact?: string;
  path?: string;
  context?: string;
}

/** What references resolve against during one evaluation. */
export interface Scope {
  /** Parameter values (the pack's, with overrides). */
  params: Record<string, unknown>;
  /** The evaluation context: `asOf`, `asOfDate`. */
  context: Record<string, unknown>;
  /** Facts: input (validated), derived facts, required packs' outcomes. */
  values: Record<string, unknown>;
  /**
   * Set while rules are decided under `undefinedFacts: "error"`: the facts read that are absent from the input
   * (json-rules-engine's `Undefined fact`).
   */
  missing?: Set<string>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A fact of the scope; an absent one is recorded in `scope.missing` when that is set. */
export function readFact(scope: Scope, fact: string): unknown {
  if (hasOwn.call(scope.values, fact)) return scope.values[fact];
  scope.missing?.add(fact);
  return undefined;
}

/**
 * A fact's value at a parsed path, as json-rules-engine reads `{ fact, path }`: the path applies only when the
 * fact is an object (or an array); a primitive fact is the value itself.
 */
export function readFactPath(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0 || value === null || typeof value !== 'object') return value;
  return readSegments(value, segments);
}

/** A compiled value: the value with its references resolved in a scope. */
export type Resolver = (scope: Scope) => unknown;

/** Whether a value is a reference object (`{param}`, `{fact, path?}`, `{context}`). */
export function isReference(v: unknown): v is ReferenceValue {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] === 'param' || keys[0] === 'fact' || keys[0] === 'context')) return typeof v[keys[0]] === 'string';
  return keys.length === 2 && 'fact' in v && 'path' in v && typeof v.fact === 'string' && typeof v.path === 'string';
}

/** Walks every reference in a value, with its JSON pointer. */
export function walkReferences(value: unknown, pointer: string, visit: (ref: ReferenceValue, pointer: string) => void): void {
  if (isReference(value)) {
    visit(value, pointer);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => walkReferences(v, `${pointer}/${i}`, visit));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walkReferences(v, `${pointer}/${pointerToken(k)}`, visit);
}

/**
 * Reads parsed path segments from a value: own properties only (a string's `length` and characters included,
 * as JSONPath reads them), `undefined` when a step is missing.
 */
export function readSegments(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    current = step(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Compiles a value with references (nested in arrays and objects) into a function of the scope, so an evaluation
 * does not walk and classify the document's values again. Paths are parsed here, once. A `{ fact, path }`
 * reference into a primitive fact gives the primitive, as a condition's path does.
 *
 * @param value - the value as authored
 * @param unwrapValues - unwrap a `{ "values": {...} }` object: the calculator-argument convention, for derived
 *   facts' `args` only (in event params and `default` such an object is data)
 */
export function compileValue(value: unknown, unwrapValues = false): Resolver {
  if (isReference(value)) {
    if (value.param !== undefined) {
      const name = value.param;
      return (scope) => scope.params[name];
    }
    if (value.context !== undefined) {
      const name = value.context;
      return (scope) => scope.context[name];
    }
    const fact = value.fact as string;
    if (value.path === undefined) return (scope) => readFact(scope, fact);
    const segments = parsePath(value.path);
    return (scope) => readFactPath(readFact(scope, fact), segments);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => compileValue(item, unwrapValues));
    if (items.every(isConstant)) return constantOf((scope) => items.map((item) => item(scope)));
    return (scope) => items.map((item) => item(scope));
  }
  if (isPlainObject(value)) {
    const source = unwrapValues && Object.keys(value).length === 1 && isPlainObject(value.values) && !isReference(value.values) ? value.values : value;
    const entries = Object.entries(source).map(([k, v]) => [k, compileValue(v, unwrapValues)] as const);
    const resolve: Resolver = (scope) => {
      const out: Record<string, unknown> = {};
      for (const [k, item] of entries) out[k] = item(scope);
      return out;
    };
    return entries.every(([, item]) => isConstant(item)) ? constantOf(resolve) : resolve;
  }
  return markConstant(() => value);
}

/**
 * A value taken as written: no reference in it is resolved (event params of a pack with
 * `replaceFactsInEventParams: false`, as json-rules-engine returns them without that option).
 */
export function literalValue(value: unknown): Resolver {
  return markConstant(() => value);
}

const CONSTANT = new WeakSet<Resolver>();
const NO_SCOPE: Scope = { params: {}, context: {}, values: {} };
/** A value without references, computed once; callers copy it before handing it out. */
const constantOf = (resolve: Resolver): Resolver => {
  const value = resolve(NO_SCOPE);
  return markConstant(() => value);
};
const markConstant = (resolver: Resolver): Resolver => {
  CONSTANT.add(resolver);
  return resolver;
};

/** Whether a compiled value holds no reference (it always gives the same value). */
export function isConstant(resolver: Resolver): boolean {
  return CONSTANT.has(resolver);
}
