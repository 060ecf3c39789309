/**
 * The suite skeleton of an imported pack: for each rule, facts solved from its conditions to fire it and facts to
 * not fire it, each checked by the pack itself; and the condition walking and path and operator reading the
 * import shares. Candidate values are tried with json-rules-engine's own operator semantics (core's table).
 */
import { loadPack, operatorFunction, parseOperator, parsePath, type RulePackDocument, type TestCase, type TestSuite } from '@aftersales/core';

/** A JSON object. */
export type Json = Record<string, unknown>;
/** Whether a value is a JSON object (not an array). */
export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Own-property test. */
export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A path's steps as core parses them, or why core refuses it. */
export function pathSteps(path: string): string[] | { refused: 'jsonpath-expression' | 'forbidden-name' } {
  try {
    return parsePath(path);
  } catch (error) {
    return { refused: /prototype pollution/.test((error as Error).message) ? 'forbidden-name' : 'jsonpath-expression' };
  }
}

/** `someFact:not:equal` → decorators and base operator, with the unknown part when core refuses it. */
export function splitOperator(operator: string): { decorators: string[]; base: string; unknown?: string } {
  const parsed = parseOperator(operator);
  if ('error' in parsed) return { decorators: operator.split(':').slice(0, -1), base: operator.split(':').pop()!, unknown: /"(.*)"/.exec(parsed.error)?.[1] ?? operator };
  return { decorators: parsed.decorators, base: parsed.operator };
}

/** An operator as a total function: a TypeError (json-rules-engine would reject the run) counts as false. */
function operatorFn(operator: string): (a: unknown, b: unknown) => boolean {
  const fn = operatorFunction(operator);
  return (a, b) => {
    try {
      return fn(a, b) === true;
    } catch {
      return false;
    }
  };
}

type Segment = string;
const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const isIndex = (segment: string | undefined) => segment !== undefined && /^\d+$/.test(segment);

/** Something that could not be carried over, or that behaves differently in a pack. */
export interface ImportNote {
  kind:
    | 'custom-operator'
    | 'dynamic-fact'
    | 'jsonpath-expression'
    | 'forbidden-name'
    | 'callback'
    | 'unknown-condition'
    | 'rule-chaining'
    | 'fact-in-event-params'
    | 'renamed'
    | 'moved-to-meta'
    | 'not-a-rule'
    | 'no-case';
  /** The input file and, when it applies, the rule. */
  where: string;
  /** What was found. */
  message: string;
  /** How to express it in a pack. */
  instead: string;
  /** Whether the rule was left out of the pack. */
  excluded: boolean;
}

/** How to express, in a pack, each thing the import could not carry over. */
export const HOW = {
  'custom-operator':
    'A pack has json-rules-engine\'s ten built-in operators and its six decorators, nothing that runs code. Compute the value the operator tested as a derived fact (`derived` with a calculator, see docs/facts-and-derived-facts.md) or in the caller, and compare it with a built-in operator.',
  'dynamic-fact':
    'A pack\'s facts are data sent with the request; `params` select nothing. Compute the value in the calling system (or as a derived fact) and send it as a plain fact; one fact per distinct `params`.',
  'jsonpath-expression':
    'Paths are parsed, never evaluated: names, `[n]` indexes and quoted keys only. Replace a filter, wildcard or recursive descent by a fact the caller computes (e.g. `hasDefectiveItem: true`) or by an operator decorator (`someFact:`, `everyFact:`) on the array.',
  'forbidden-name': '`__proto__`, `constructor` and `prototype` are refused as fact names and path segments everywhere (prototype pollution); rename the property.',
  callback:
    'A pack has no callbacks: a decision is data (`fired` rules and their event params, an `outcome`). Do in the calling system what the callback did, reading `decision.fired`.',
  'unknown-condition': 'Declare the shared condition in the input\'s `conditions` (engine.setCondition) so it is copied into the pack\'s `conditions`.',
  'rule-chaining':
    'A pack does not feed one rule\'s event into another rule\'s facts. Express the chain as a pack that `requires` another (its outcome becomes a fact), or fold the first rule\'s conditions into the second through a shared condition.',
  'fact-in-event-params':
    'The pack\'s `replaceFactsInEventParams` is written as the engine ran (`--replace-facts-in-event-params` when it ran with the option; json-rules-engine\'s default, false, otherwise), so the params keep their meaning. Check that it matches the engine\'s options.',
  'moved-to-meta':
    'A pack refuses keys it does not know (so that a misspelt `priorty` is never silently lost); a host\'s own keys live under `meta` on the rule, event or condition that held them, kept as written and never read by a decision. Read them from `meta` in host code, or delete them.',
  renamed: 'Rule names in a pack are unique and non-empty; the generated name can be edited (kebab-case is what `aftersales lint` suggests).',
  'not-a-rule': 'Give each rule `conditions` (with `all`, `any`, `not` or `condition` at the top) and `event` (with `type`).',
  'no-case': 'Write the case by hand in the suite: facts under which the rule fires, and facts under which it does not.',
} as const;

/** Candidate fact values for a leaf, nearest the condition's value first. */
function candidates(value: unknown, operator: string): unknown[] {
  const scalars: unknown[] = [];
  const add = (v: unknown) => {
    if (!scalars.some((s) => Object.is(s, v))) scalars.push(v);
  };
  const fromScalar = (v: unknown) => {
    add(v);
    if (typeof v === 'number') [v + 1, v - 1].forEach(add);
    if (typeof v === 'string') [`${v}-other`, v.slice(0, 1)].forEach(add);
    if (typeof v === 'boolean') add(!v);
  };
  if (Array.isArray(value)) value.forEach(fromScalar);
  else fromScalar(value);
  ['zz-no-match', 0, 1, true, false, null, ''].forEach(add);
  const lists = [...scalars.map((s) => [s]), [], ...(Array.isArray(value) ? [value] : [])];
  // An operator that wants an array fact (contains, someFact:, everyFact:) tries arrays first, so the facts built
  // match the schema inferred from the same operator.
  const { decorators, base } = splitOperator(operator);
  const wantsArray = decorators[0] === 'someFact' || decorators[0] === 'everyFact' || (decorators.length === 0 && (base === 'contains' || base === 'doesNotContain'));
  return wantsArray ? [...lists, ...scalars] : [...scalars, ...lists];
}

/** Facts assigned by a solution: per fact, the (path, value) pairs to set. */
type Assignment = Array<{ fact: string; segments: Segment[]; value: unknown }>;

interface SolveContext {
  shared: Record<string, Json>;
  depth: number;
}

function solveLeaf(leaf: Json, want: boolean): Assignment | null {
  const operator = String(leaf.operator);
  const fn = operatorFn(operator);
  const segments = typeof leaf.path === 'string' ? pathSteps(leaf.path) : [];
  if (!Array.isArray(segments)) return null;
  let value = leaf.value;
  const extra: Assignment = [];
  if (isObject(value) && hasOwn(value, 'fact')) {
    // Another fact on the right: give it a value (a list for in / notIn, else a number or a word) and compare to it.
    const { base } = splitOperator(operator);
    const refSegments = typeof value.path === 'string' ? pathSteps(value.path) : [];
    if (!Array.isArray(refSegments)) return null;
    const refValue = base === 'in' || base === 'notIn' ? ['x'] : NUMERIC.has(base) ? 10 : 'x';
    extra.push({ fact: String(value.fact), segments: refSegments, value: refValue });
    value = refValue;
  }
  for (const candidate of candidates(value, operator)) {
    if (fn(candidate, value) === want) return [...extra, { fact: String(leaf.fact), segments, value: candidate }];
  }
  return null;
}

function solve(condition: Json, want: boolean, context: SolveContext): Assignment | null {
  if (context.depth > 64) return null;
  const inner = { ...context, depth: context.depth + 1 };
  if (hasOwn(condition, 'any') || hasOwn(condition, 'all')) {
    const isAll = hasOwn(condition, 'all');
    const children = (condition[isAll ? 'all' : 'any'] as unknown[]).filter(isObject);
    // json-rules-engine passes an empty all and an empty any alike.
    if (children.length === 0) return want ? [] : null;
    if (isAll === want) {
      // all true / any false: every child must go the same way.
      const out: Assignment = [];
      for (const child of children) {
        const part = solve(child, want, inner);
        if (!part) return null;
        out.push(...part);
      }
      return out;
    }
    // all false / any true: one child suffices.
    for (const child of children) {
      const part = solve(child, want, inner);
      if (part) return part;
    }
    return null;
  }
  if (hasOwn(condition, 'not')) return isObject(condition.not) ? solve(condition.not, !want, inner) : null;
  if (hasOwn(condition, 'condition')) {
    const target = context.shared[String(condition.condition)];
    return target ? solve(target, want, inner) : null;
  }
  return solveLeaf(condition, want);
}

/** Sets `value` at `segments` inside `facts[fact]`, creating objects and arrays on the way. */
function assign(facts: Json, { fact, segments, value }: Assignment[number]): void {
  if (segments.length === 0) {
    facts[fact] = structuredClone(value);
    return;
  }
  const first = segments[0]!;
  let holder = facts[fact];
  if (holder === null || typeof holder !== 'object') facts[fact] = holder = isIndex(first) ? [] : {};
  let current = holder as Json;
  segments.forEach((segment, i) => {
    const key = String(segment);
    if (i === segments.length - 1) {
      current[key] = structuredClone(value);
      return;
    }
    const nextIsIndex = isIndex(segments[i + 1]);
    let next = current[key];
    if (next === null || typeof next !== 'object') current[key] = next = nextIsIndex ? [] : {};
    current = next as Json;
  });
}

/** Walks a condition tree, calling `leaf` on each leaf and `reference` on each shared-condition reference. */
export function walk(condition: unknown, visit: { leaf: (c: Json) => void; reference: (name: string) => void; other: (c: unknown) => void }): void {
  if (!isObject(condition)) return visit.other(condition);
  if (hasOwn(condition, 'all') || hasOwn(condition, 'any')) {
    const list = condition[hasOwn(condition, 'all') ? 'all' : 'any'];
    if (Array.isArray(list)) list.forEach((c) => walk(c, visit));
    else visit.other(condition);
  } else if (hasOwn(condition, 'not')) walk(condition.not, visit);
  else if (hasOwn(condition, 'condition')) visit.reference(String(condition.condition));
  else visit.leaf(condition);
}

/**
 * One case per rule built to fire it and one built not to: facts solved from its conditions over a neutral value
 * for every fact read, then decided by the pack itself; a case that does not do what it was built for is left out
 * and reported. The expected `fired` list is what the pack answered, for the owner to review.
 */
export function buildSuite(pack: RulePackDocument & Record<string, unknown>, shared: Record<string, Json>, notes: ImportNote[]): TestSuite {
  const asOf = `${pack.effective.from}T12:00:00+08:00`;
  const suite: TestSuite = { pack: pack.id, asOf, cases: [] };
  let loaded;
  try {
    loaded = loadPack(pack);
  } catch (error) {
    const problems = (error as { problems?: Array<{ path: string; message: string }> }).problems ?? [];
    notes.push({
      kind: 'no-case',
      where: 'pack',
      message: `the pack does not load, so no case was built: ${problems.map((p) => `${p.path} ${p.message}`).join('; ') || (error as Error).message}`,
      instead: HOW['no-case'],
      excluded: false,
    });
    return suite;
  }
  const context: SolveContext = { shared: { ...shared, ...((pack.conditions as Record<string, Json> | undefined) ?? {}) }, depth: 0 };
  // Neutral facts: each fact read gets a value that makes the first condition reading it false.
  const neutral: Json = {};
  for (const conditions of [...pack.rules.map((r) => r.conditions), ...Object.values(context.shared)]) {
    walk(conditions, {
      leaf: (leaf) => {
        for (const a of solveLeaf(leaf, false) ?? []) if (!hasOwn(neutral, a.fact) || a.segments.length > 0) assign(neutral, a);
      },
      reference: () => undefined,
      other: () => undefined,
    });
  }
  // Facts read elsewhere (event params, values): a value of their schema type, so undefinedFacts "error" passes.
  const byType: Record<string, unknown> = { string: 'x', number: 0, integer: 0, boolean: false, array: [], object: {}, null: null };
  for (const [fact, schema] of Object.entries((pack.facts.properties ?? {}) as Record<string, { type?: string | string[] }>)) {
    if (hasOwn(neutral, fact)) continue;
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    neutral[fact] = type !== undefined && hasOwn(byType, type) ? byType[type] : 'x';
  }
  for (const rule of pack.rules) {
    for (const want of [true, false]) {
      const solution = solve(rule.conditions as unknown as Json, want, context);
      const facts = structuredClone(neutral);
      for (const a of solution ?? []) assign(facts, a);
      let fired: string[] | undefined;
      try {
        fired = solution ? loaded.evaluateSync(facts, { asOf }).fired.map((f) => f.rule) : undefined;
      } catch {
        fired = undefined;
      }
      if (!fired || fired.includes(rule.name) !== want) {
        notes.push({ kind: 'no-case', where: `rule "${rule.name}"`, message: `no facts found under which it ${want ? 'fires' : 'does not fire'}`, instead: HOW['no-case'], excluded: false });
        continue;
      }
      const testCase: TestCase = { name: `${rule.name}: ${want ? 'fires' : 'does not fire'}`, facts, expect: { fired } };
      suite.cases.push(testCase);
    }
  }
  return suite;
}

