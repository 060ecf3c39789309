/**
 * Turns rule sets in json-rules-engine's format into a pack folder's documents: the rules copied as they are (a
 * `source` added), a fact schema inferred from what the rules read (types from the operators and values), a
 * `practice` source placeholder, a suite skeleton with one case per rule built to fire it and one built not to,
 * and a report of what could not be carried over, each with the way to express it in a pack. Pure: the command
 * (`commands/import-jre.ts`) reads and writes the files.
 */
import { loadPack, type RulePackDocument, type TestCase, type TestSuite } from '@aftersales/core';

/** One input file's parsed JSON, named for the report. */
export interface ImportInput {
  file: string;
  json: unknown;
}

/** Options of an import. */
export interface ImportOptions {
  /** The pack id (kebab-case). */
  id: string;
  /** `effective.from` of the pack (YYYY-MM-DD); the command passes today's date. */
  effectiveFrom: string;
  /**
   * json-rules-engine's `allowUndefinedFacts` of the engine these rules ran in (default false, its default):
   * written to the pack as `undefinedFacts`.
   */
  allowUndefinedFacts?: boolean;
}

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

/** What an import produced. */
export interface ImportResult {
  pack: RulePackDocument & Record<string, unknown>;
  suite: TestSuite;
  notes: ImportNote[];
  /** Rules carried into the pack / rules found. */
  counts: { found: number; carried: number; cases: number };
}

const OPERATORS = new Set(['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const DECORATORS = new Set(['someFact', 'everyFact', 'someValue', 'everyValue', 'not', 'swap']);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const HOW = {
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
    'A pack always resolves `{ "fact": ... }` objects in event params (json-rules-engine does so only with `replaceFactsInEventParams: true`). Nothing to do if the engine ran with that option; otherwise rename the `fact` key.',
  renamed: 'Rule names in a pack are unique and non-empty; the generated name can be edited (kebab-case is what `aftersales lint` suggests).',
  'not-a-rule': 'Give each rule `conditions` (with `all`, `any`, `not` or `condition` at the top) and `event` (with `type`).',
  'no-case': 'Write the case by hand in the suite: facts under which the rule fires, and facts under which it does not.',
} as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** A parsed path step: a property name or an array index. */
type Segment = string | number;

/**
 * Splits a json-rules-engine path into steps, or returns a reason it is not a plain path. Accepts `$.a.b`, `a.b`,
 * `$.items[0].price`, `$.[0].id`, `$['dot.key']`, `$["k"]`.
 */
export function pathSegments(path: string): Segment[] | { refused: 'jsonpath-expression' | 'forbidden-name' } {
  let rest = path.startsWith('$') ? path.slice(1) : path.length > 0 ? `.${path}` : '';
  const out: Segment[] = [];
  while (rest.length > 0) {
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^\.?\[(\d+)\]/))) out.push(Number(m[1]));
    else if ((m = rest.match(/^\.?\[\s*'((?:[^'\\]|\\.)*)'\s*\]/)) || (m = rest.match(/^\.?\[\s*"((?:[^"\\]|\\.)*)"\s*\]/))) out.push(m[1]!.replace(/\\(.)/g, '$1'));
    else if ((m = rest.match(/^\.([A-Za-z0-9_-]+)/))) out.push(/^\d+$/.test(m[1]!) ? m[1]! : m[1]!);
    else return { refused: 'jsonpath-expression' };
    rest = rest.slice(m[0].length);
  }
  if (out.some((s) => typeof s === 'string' && FORBIDDEN.has(s))) return { refused: 'forbidden-name' };
  return out;
}

/** A rule as found, with where it came from. */
interface FoundRule {
  rule: Json;
  where: string;
}

/** Gathers rules and shared conditions from the accepted input shapes. */
function gather(inputs: ImportInput[], notes: ImportNote[]): { rules: FoundRule[]; shared: Record<string, Json> } {
  const rules: FoundRule[] = [];
  const shared: Record<string, Json> = {};
  const addRule = (value: unknown, where: string) => {
    let rule = value;
    if (typeof rule === 'string') {
      // Rule#toJSON() gives a string by default; new Rule(string) parses it, so an export may hold strings.
      try {
        rule = JSON.parse(rule);
      } catch {
        rule = undefined;
      }
    }
    if (!isObject(rule) || !isObject(rule.conditions) || !isObject(rule.event) || typeof rule.event.type !== 'string') {
      notes.push({ kind: 'not-a-rule', where, message: 'not a json-rules-engine rule (no conditions object or no event with a type)', instead: HOW['not-a-rule'], excluded: true });
      return;
    }
    rules.push({ rule: structuredClone(rule), where });
  };
  for (const { file, json } of inputs) {
    if (Array.isArray(json)) json.forEach((r, i) => addRule(r, `${file} [${i}]`));
    else if (isObject(json) && Array.isArray(json.rules)) {
      json.rules.forEach((r, i) => addRule(r, `${file} rules[${i}]`));
      if (isObject(json.conditions)) for (const [k, v] of Object.entries(json.conditions)) if (isObject(v)) shared[k] = structuredClone(v);
    } else addRule(json, file);
  }
  return { rules, shared };
}

/** The JSON types a fact (or a value inside it) is seen to take. */
class Shape {
  types = new Set<string>();
  properties = new Map<string, Shape>();
  items?: Shape;

  at(segments: Segment[]): Shape {
    let shape: Shape = this;
    for (const segment of segments) {
      if (typeof segment === 'number') {
        shape.types.add('array');
        shape = shape.items ??= new Shape();
      } else {
        shape.types.add('object');
        let next = shape.properties.get(segment);
        if (!next) shape.properties.set(segment, (next = new Shape()));
        shape = next;
      }
    }
    return shape;
  }

  addValueType(value: unknown): void {
    if (value === null) this.types.add('null');
    else if (Array.isArray(value)) {
      this.types.add('array');
      const items = (this.items ??= new Shape());
      for (const v of value) items.addValueType(v);
    } else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') this.types.add(typeof value);
    else if (isObject(value)) this.types.add('object');
  }

  toSchema(): Json {
    const schema: Json = {};
    const types = [...this.types].sort();
    if (types.length === 1) schema.type = types[0];
    else if (types.length > 1) schema.type = types;
    if (this.properties.size > 0) {
      schema.properties = Object.fromEntries([...this.properties].map(([k, s]) => [k, s.toSchema()]));
    }
    if (this.items) schema.items = this.items.toSchema();
    return schema;
  }
}

/** Splits `someFact:not:equal` into decorators (outermost first) and the operator; unknown parts reported. */
function splitOperator(operator: string): { decorators: string[]; base: string; unknown?: string } {
  const parts = operator.split(':');
  const base = parts.pop()!;
  const unknown = !OPERATORS.has(base) ? base : parts.find((d) => !DECORATORS.has(d));
  return { decorators: parts, base, ...(unknown !== undefined ? { unknown } : {}) };
}

/** json-rules-engine's operators, to pick candidate fact values in the suite skeleton (the pack then checks them). */
const numberValidator = (a: unknown) => Number.parseFloat(a as string).toString() !== 'NaN';
const BASE_OPS: Record<string, { cb: (a: any, b: any) => boolean; valid?: (a: unknown) => boolean }> = {
  equal: { cb: (a, b) => a === b },
  notEqual: { cb: (a, b) => a !== b },
  in: { cb: (a, b) => b.indexOf(a) > -1 },
  notIn: { cb: (a, b) => b.indexOf(a) === -1 },
  contains: { cb: (a, b) => a.indexOf(b) > -1, valid: Array.isArray },
  doesNotContain: { cb: (a, b) => a.indexOf(b) === -1, valid: Array.isArray },
  lessThan: { cb: (a, b) => a < b, valid: numberValidator },
  lessThanInclusive: { cb: (a, b) => a <= b, valid: numberValidator },
  greaterThan: { cb: (a, b) => a > b, valid: numberValidator },
  greaterThanInclusive: { cb: (a, b) => a >= b, valid: numberValidator },
};
type OpFn = (a: any, b: any) => boolean;
function operatorFn(operator: string): OpFn {
  const { decorators, base } = splitOperator(operator);
  const op = BASE_OPS[base]!;
  let fn: OpFn = (a, b) => (op.valid === undefined || op.valid(a)) && op.cb(a, b);
  for (const d of [...decorators].reverse()) {
    const next = fn;
    if (d === 'someFact') fn = (a, b) => Array.isArray(a) && a.some((x) => next(x, b));
    else if (d === 'everyFact') fn = (a, b) => Array.isArray(a) && a.every((x) => next(x, b));
    else if (d === 'someValue') fn = (a, b) => b.some((y: unknown) => next(a, y));
    else if (d === 'everyValue') fn = (a, b) => b.every((y: unknown) => next(a, y));
    else if (d === 'swap') fn = (a, b) => next(b, a);
    else fn = (a, b) => !next(a, b);
  }
  return (a, b) => {
    try {
      return fn(a, b) === true;
    } catch {
      return false;
    }
  };
}

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
  const segments = typeof leaf.path === 'string' ? pathSegments(leaf.path) : [];
  if (!Array.isArray(segments)) return null;
  let value = leaf.value;
  const extra: Assignment = [];
  if (isObject(value) && hasOwn(value, 'fact')) {
    // Another fact on the right: give it a value (a list for in / notIn, else a number or a word) and compare to it.
    const { base } = splitOperator(operator);
    const refSegments = typeof value.path === 'string' ? pathSegments(value.path) : [];
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
  if (holder === null || typeof holder !== 'object') facts[fact] = holder = typeof first === 'number' ? [] : {};
  let current = holder as Json;
  segments.forEach((segment, i) => {
    const key = String(segment);
    if (i === segments.length - 1) {
      current[key] = structuredClone(value);
      return;
    }
    const nextIsIndex = typeof segments[i + 1] === 'number';
    let next = current[key];
    if (next === null || typeof next !== 'object') current[key] = next = nextIsIndex ? [] : {};
    current = next as Json;
  });
}

/** Walks a condition tree, calling `leaf` on each leaf and `reference` on each shared-condition reference. */
function walk(condition: unknown, visit: { leaf: (c: Json) => void; reference: (name: string) => void; other: (c: unknown) => void }): void {
  if (!isObject(condition)) return visit.other(condition);
  if (hasOwn(condition, 'all') || hasOwn(condition, 'any')) {
    const list = condition[hasOwn(condition, 'all') ? 'all' : 'any'];
    if (Array.isArray(list)) list.forEach((c) => walk(c, visit));
    else visit.other(condition);
  } else if (hasOwn(condition, 'not')) walk(condition.not, visit);
  else if (hasOwn(condition, 'condition')) visit.reference(String(condition.condition));
  else visit.leaf(condition);
}

/** Problems of one condition tree (its leaves and references), as notes; `true` when the rule must be left out. */
function inspect(conditions: Json, where: string, shared: Record<string, Json>, notes: ImportNote[], factsRead: Set<string>): boolean {
  let exclude = false;
  const note = (kind: ImportNote['kind'], message: string, excluded: boolean) => {
    notes.push({ kind, where, message, instead: HOW[kind], excluded });
    exclude ||= excluded;
  };
  const seen = new Set<string>();
  const visitTree = (tree: unknown) =>
    walk(tree, {
      leaf: (leaf) => {
        const fact = leaf.fact;
        if (typeof fact !== 'string' || fact === '') return note('not-a-rule', `a condition without a fact: ${JSON.stringify(leaf)}`, true);
        factsRead.add(fact);
        if (FORBIDDEN.has(fact)) note('forbidden-name', `fact "${fact}"`, true);
        const operator = String(leaf.operator);
        const { unknown } = splitOperator(operator);
        if (unknown !== undefined) note('custom-operator', `operator "${operator}" on fact "${fact}" (no built-in "${unknown}")`, true);
        else if (/^(someValue|everyValue)$/.test(operator.split(':')[0] ?? '') && !Array.isArray(leaf.value) && !isObject(leaf.value)) {
          note('not-a-rule', `operator "${operator}" needs a list value`, true);
        }
        if (leaf.params !== undefined) note('dynamic-fact', `fact "${fact}" read with params ${JSON.stringify(leaf.params)}`, true);
        for (const [p, label] of [
          [leaf.path, `path "${String(leaf.path)}" on fact "${fact}"`],
          [isObject(leaf.value) ? leaf.value.path : undefined, `value path "${String(isObject(leaf.value) ? leaf.value.path : '')}"`],
        ] as const) {
          if (typeof p !== 'string') continue;
          const segments = pathSegments(p);
          if (!Array.isArray(segments)) note(segments.refused, label, true);
        }
        if (isObject(leaf.value) && hasOwn(leaf.value, 'fact')) {
          factsRead.add(String(leaf.value.fact));
          if (leaf.value.params !== undefined) note('dynamic-fact', `value fact "${String(leaf.value.fact)}" read with params`, true);
        }
      },
      reference: (name) => {
        if (seen.has(name)) return;
        seen.add(name);
        if (!shared[name]) note('unknown-condition', `shared condition "${name}" is not declared`, true);
        else visitTree(shared[name]);
      },
      other: (c) => note('not-a-rule', `not a condition: ${JSON.stringify(c)}`, true),
    });
  visitTree(conditions);
  return exclude;
}

/**
 * Converts json-rules-engine rule sets into a pack document, a suite skeleton and notes on what was not carried.
 *
 * @param inputs - parsed input files: each a rule array, an engine export (`{ rules, conditions }`) or one rule
 * @param options - the pack id, its effective date, and json-rules-engine's `allowUndefinedFacts` it ran with
 * @returns the pack document, the suite and the notes
 * @throws Error when no rule could be carried over (a pack needs at least one)
 * @example
 * ```ts
 * const { pack, suite, notes } = importJsonRulesEngine([{ file: 'rules.json', json: rules }], { id: 'returns', effectiveFrom: '2026-01-01' });
 * ```
 */
export function importJsonRulesEngine(inputs: ImportInput[], options: ImportOptions): ImportResult {
  const notes: ImportNote[] = [];
  const { rules: found, shared } = gather(inputs, notes);
  const factsRead = new Set<string>();
  const carried: Array<Json & { name: string }> = [];
  const eventTypes = new Set<string>();
  const names = new Set<string>();
  found.forEach(({ rule, where }, index) => {
    let name = typeof rule.name === 'string' && rule.name.trim() !== '' ? rule.name : typeof rule.name === 'number' ? String(rule.name) : '';
    const label = `${where}${name ? ` "${name}"` : ''}`;
    for (const key of ['onSuccess', 'onFailure']) {
      if (rule[key] !== undefined) notes.push({ kind: 'callback', where: label, message: `${key} callback`, instead: HOW.callback, excluded: false });
    }
    const read = new Set<string>();
    if (inspect(rule.conditions as Json, label, shared, notes, read)) return;
    read.forEach((f) => factsRead.add(f));
    const params = (rule.event as Json).params;
    if (isObject(params) && Object.values(params).some((v) => isObject(v) && hasOwn(v, 'fact'))) {
      notes.push({ kind: 'fact-in-event-params', where: label, message: 'event params name a fact', instead: HOW['fact-in-event-params'], excluded: false });
      for (const v of Object.values(params)) if (isObject(v) && typeof v.fact === 'string') factsRead.add(v.fact);
    }
    if (name === '' || names.has(name)) {
      const base = name === '' ? `rule-${index + 1}` : name;
      let candidate = base;
      for (let n = 2; names.has(candidate); n++) candidate = `${base}-${n}`;
      notes.push({ kind: 'renamed', where: label, message: name === '' ? `unnamed rule named "${candidate}"` : `duplicate name "${name}" renamed "${candidate}"`, instead: HOW.renamed, excluded: false });
      name = candidate;
    }
    names.add(name);
    eventTypes.add(String((rule.event as Json).type));
    const { onSuccess: _s, onFailure: _f, ...kept } = rule;
    carried.push({ ...kept, name, source: `imported: ${where}` });
  });
  for (const fact of factsRead) {
    if (eventTypes.has(fact)) {
      notes.push({ kind: 'rule-chaining', where: `fact "${fact}"`, message: `a rule reads fact "${fact}", which is also an event type: probably set by an event handler`, instead: HOW['rule-chaining'], excluded: false });
    }
  }
  if (carried.length === 0) throw new Error('no rule could be carried over / 没有可导入的规则');

  // Fact schema: the JSON types each read fact (and each path inside it) is compared with.
  const root = new Shape();
  const sharedUsed = new Set<string>();
  const record = (leaf: Json) => {
    const segments = typeof leaf.path === 'string' ? pathSegments(leaf.path) : [];
    if (!Array.isArray(segments)) return;
    let shape = root.at([String(leaf.fact), ...segments]);
    const { decorators, base } = splitOperator(String(leaf.operator));
    if (decorators[0] === 'someFact' || decorators[0] === 'everyFact') {
      shape.types.add('array');
      shape = shape.items ??= new Shape();
    }
    const value = leaf.value;
    if (isObject(value)) return;
    if (decorators.includes('swap')) return;
    if (NUMERIC.has(base)) shape.types.add('number');
    else if (base === 'contains' || base === 'doesNotContain') {
      shape.types.add('array');
      (shape.items ??= new Shape()).addValueType(value);
    } else if ((base === 'in' || base === 'notIn' || decorators.includes('someValue') || decorators.includes('everyValue')) && Array.isArray(value)) {
      for (const v of value) shape.addValueType(v);
    } else if (base === 'in' || base === 'notIn') shape.types.add('string');
    else shape.addValueType(value);
  };
  const visitAll = (tree: unknown) =>
    walk(tree, {
      leaf: record,
      reference: (name) => {
        if (sharedUsed.has(name)) return;
        sharedUsed.add(name);
        visitAll(shared[name]);
      },
      other: () => undefined,
    });
  carried.forEach((r) => visitAll(r.conditions));
  const factSchema = root.toSchema();
  const properties = (factSchema.properties ?? {}) as Json;
  for (const fact of factsRead) properties[fact] ??= {};

  const pack: RulePackDocument & Record<string, unknown> = {
    $schema: 'https://aftersales.dev/schema/rule-pack.schema.json',
    id: options.id,
    version: '0.1.0',
    title: { zh: `从 json-rules-engine 导入：${options.id}`, en: `Imported from json-rules-engine: ${options.id}` },
    description: {
      zh: '由 aftersales import json-rules-engine 生成；请补全来源文件与条款，并复核事实模式和测试用例。',
      en: 'Generated by aftersales import json-rules-engine; complete the source document and clauses, and review the fact schema and the test cases.',
    },
    sources: [
      {
        id: 'imported',
        document: `json-rules-engine rule set (${inputs.map((i) => i.file).join(', ')}): to be replaced by the policy document these rules encode`,
        clause: 'to be completed',
        kind: 'practice',
      },
    ],
    effective: { from: options.effectiveFrom },
    hitPolicy: 'collect',
    ...(sharedUsed.size > 0 ? { conditions: Object.fromEntries([...sharedUsed].sort().map((n) => [n, shared[n]!])) } : {}),
    facts: { type: 'object', properties },
    rules: carried as unknown as RulePackDocument['rules'],
    default: {},
    outcome: { type: 'object' },
  };

  const suite = buildSuite(pack, shared, notes);
  return { pack, suite, notes, counts: { found: found.length, carried: carried.length, cases: suite.cases.length } };
}

/**
 * One case per rule built to fire it and one built not to: facts solved from its conditions over a neutral value
 * for every fact read, then decided by the pack itself; a case that does not do what it was built for is left out
 * and reported. The expected `fired` list is what the pack answered, for the owner to review.
 */
function buildSuite(pack: RulePackDocument & Record<string, unknown>, shared: Record<string, Json>, notes: ImportNote[]): TestSuite {
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
  for (const rule of pack.rules) {
    walk(rule.conditions, {
      leaf: (leaf) => {
        for (const a of solveLeaf(leaf, false) ?? []) if (!hasOwn(neutral, a.fact) || a.segments.length > 0) assign(neutral, a);
      },
      reference: () => undefined,
      other: () => undefined,
    });
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

/**
 * The import report as Markdown: counts, then each note with what to do instead.
 *
 * @param result - what {@link importJsonRulesEngine} returned
 * @returns the report text
 * @example
 * ```ts
 * writeFileSync('IMPORT-REPORT.md', renderImportReport(result));
 * ```
 */
export function renderImportReport(result: ImportResult): string {
  const lines = [
    `# Import report: ${result.pack.id}`,
    '',
    `Rules found: ${result.counts.found}; carried into the pack: ${result.counts.carried}; suite cases: ${result.counts.cases}.`,
    '',
  ];
  const excluded = result.notes.filter((n) => n.excluded);
  const other = result.notes.filter((n) => !n.excluded);
  lines.push('## Not carried over', '');
  if (excluded.length === 0) lines.push('Nothing: every rule was carried over.', '');
  for (const n of excluded) lines.push(`- **${n.kind}** — ${n.where}: ${n.message}.  `, `  In a pack: ${n.instead}`);
  lines.push('', '## To review', '');
  if (other.length === 0) lines.push('Nothing.', '');
  for (const n of other) lines.push(`- **${n.kind}** — ${n.where}: ${n.message}.  `, `  ${n.instead}`);
  lines.push(
    '',
    '## Always to do',
    '',
    '- Replace the `imported` source by the policy document and give each rule the clause it encodes (`source`).',
    '- Review the inferred fact schema: types come from the operators and values the rules use.',
    '- Review the suite: each expected `fired` list is what the pack decided on generated facts.',
    '- Dynamic facts, almanac reads and event handlers live in engine code, not in the rule JSON: see docs/migrating-from-json-rules-engine.md.',
    '',
  );
  return lines.join('\n');
}
