/**
 * References in a pack's values (`{param}`, `{fact, path?}`, `{context}`): recognising them, walking them with
 * their JSON pointers, and compiling a value that holds them into a function of the evaluation scope, once at
 * load.
 */
import { isPlainObject } from './json.js';
import { parsePath, pointerToken } from './path.js';

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

/** Reads parsed path segments from a value: own properties only, `undefined` when a step is missing. */
export function readSegments(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Compiles a value with references (nested in arrays and objects, a `{values: {...}}` wrapper unwrapped) into a
 * function of the scope, so an evaluation does not walk and classify the document's values again. Paths are
 * parsed here, once.
 */
export function compileValue(value: unknown): Resolver {
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
    if (value.path === undefined) return (scope) => scope.values[fact];
    const segments = parsePath(value.path);
    return (scope) => readSegments(scope.values[fact], segments);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    if (items.every(isConstant)) return constantOf((scope) => items.map((item) => item(scope)));
    return (scope) => items.map((item) => item(scope));
  }
  if (isPlainObject(value)) {
    const source = Object.keys(value).length === 1 && isPlainObject(value.values) && !isReference(value.values) ? value.values : value;
    const entries = Object.entries(source).map(([k, v]) => [k, compileValue(v)] as const);
    const resolve: Resolver = (scope) => {
      const out: Record<string, unknown> = {};
      for (const [k, item] of entries) out[k] = item(scope);
      return out;
    };
    return entries.every(([, item]) => isConstant(item)) ? constantOf(resolve) : resolve;
  }
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
