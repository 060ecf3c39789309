/**
 * Code generation: a pack's rule stage written out, once at load, as the source of one JavaScript function (as ajv
 * writes its validators) and turned into that function by `new Function` — or taken ready-made from an
 * ahead-of-time module for hosts that forbid `eval`. Facts are read once into local slots, conditions run as
 * straight-line code in json-rules-engine's order (priority sets, every condition of a set evaluated, short
 * circuits only where skipping a condition can change nothing), the common operators are inlined, and the fired
 * rules come back already in priority order. The interpreted closures of rule-stage.ts stay the reference: the
 * conformance corpus, every pack suite and a differential hold the two equal.
 */
import type { PlanLeaf, PlanNode } from './condition-tree.js';
import { operatorFunction, parseOperator, type OperatorFunction } from './operators.js';
import type { PackPlan } from './plan.js';
import { readFact, readFactPath, type Scope } from './references.js';

/**
 * What one evaluation saw, compactly: per leaf condition (rules in document order, each rule's leaves by id) the
 * result (`0` not evaluated, `1` false, `2` true), the fact value read and, for a right-hand side that is not a
 * literal, the value compared against. The explanation is materialised from it only when it is read.
 */
export interface CompactTrace {
  results: Uint8Array;
  factValues: unknown[];
  values: unknown[];
}

/** The generated rule stage: the fired rules' indexes, highest priority first (ties in document order). */
export type GeneratedStage = (scope: Scope, trace: CompactTrace | null) => number[];

/** The helpers a generated function's factory is given, built from the plan in the same pass as its source. */
export interface GeneratedHelpers {
  /** Literal right-hand sides that are not written into the source (arrays, objects). */
  literals: unknown[];
  /** Operators that are not inlined. */
  operators: OperatorFunction[];
  /** Parsed paths. */
  paths: string[][];
}

/** What a generated function's factory receives: the helpers of its source and the readers it calls. */
export interface GeneratedRuntime extends GeneratedHelpers {
  /** A fact of the scope, an absent one recorded as missing (`undefinedFacts: "error"`). */
  readFact: (scope: Scope, fact: string) => unknown;
  /** A value at a parsed path, json-rules-engine's way (a primitive is the value itself). */
  readFactPath: (value: unknown, segments: readonly string[]) => unknown;
  /** json-rules-engine's check that a value reads as a number (`parseFloat`). */
  numeric: (value: unknown) => boolean;
  /** Own-property test. */
  has: (object: object, key: string) => boolean;
}

/** A factory turning helpers into the two variants of the rule stage (untraced, traced). */
export type GeneratedFactory = (H: GeneratedRuntime) => { run: GeneratedStage; traced: GeneratedStage };

/** The source of a pack's rule stage and the helpers its factory needs. */
export interface GeneratedSource {
  /** The body of `function (H) { ... }` returning `{ run, traced }`. */
  source: string;
  helpers: GeneratedHelpers;
  /** Offset of each rule's first leaf in a {@link CompactTrace}. */
  offsets: number[];
  /** Leaves of all rules. */
  leafCount: number;
}

const numeric = (factValue: unknown): boolean => Number.parseFloat(factValue as string).toString() !== 'NaN';
const hasOwn = Object.prototype.hasOwnProperty;
const has = (o: object, k: string): boolean => hasOwn.call(o, k);

/** Whether a condition can throw or differ from run to run: anything that calls a method on the right-hand side. */
function pureLeaf(leaf: PlanLeaf): boolean {
  const parsed = parseOperator(leaf.operator);
  if ('error' in parsed) return false;
  if (parsed.decorators.some((d) => d !== 'not' && d !== 'someFact' && d !== 'everyFact')) return false;
  if (parsed.operator !== 'in' && parsed.operator !== 'notIn') return true;
  if (leaf.operand.kind !== 'literal') return false;
  const v = leaf.operand.value;
  return Array.isArray(v) || typeof v === 'string';
}

function pureNode(node: PlanNode): boolean {
  if (node.kind === 'leaf') return pureLeaf(node);
  if (node.kind === 'not') return pureNode(node.child);
  return node.children.every(pureNode);
}

/** Priority sets of a group, highest first, as compileGroup forms them. */
function prioritySets(children: PlanNode[]): PlanNode[][] {
  const priorities = [...new Set(children.map((c) => c.priority))].sort((a, b) => b - a);
  return priorities.map((p) => children.filter((c) => c.priority === p));
}

/**
 * Writes the source of a pack's rule stage.
 *
 * @param plan - the pack plan
 * @returns the source (the body of a factory `function (H)`), its helpers and the trace layout
 * @example
 * ```ts
 * const { source } = generateSource(pack.plan);
 * const factory = new Function('H', source); // what loadPack does when no ahead-of-time factory is given
 * ```
 */
export function generateSource(plan: PackPlan): GeneratedSource {
  const helpers: GeneratedHelpers = { literals: [], operators: [], paths: [] };
  const offsets: number[] = [];
  let leafCount = 0;
  for (const rule of plan.rules) {
    offsets.push(leafCount);
    leafCount += rule.conditions.leaves.length;
  }
  const lazyReads = plan.undefinedFacts === 'error';
  const prelude: string[] = [];
  const slotNames = new Map<string, string>();
  const pathIndex = (segments: readonly string[]): number => {
    helpers.paths.push([...segments]);
    return helpers.paths.length - 1;
  };
  const baseRead = (fact: string): string => {
    if (fact === '$param') return 'p';
    if (fact === '$context') return 'x';
    if (lazyReads) return `H.readFact(s, ${JSON.stringify(fact)})`;
    const key = `f\0${fact}`;
    let name = slotNames.get(key);
    if (name === undefined) {
      name = `f${slotNames.size}`;
      slotNames.set(key, name);
      const k = JSON.stringify(fact);
      prelude.push(`var ${name} = has(v, ${k}) ? v[${k}] : undefined;`);
    }
    return name;
  };
  /** A getter expression of a fact at a path (factGetter of rule-stage.ts). */
  const read = (fact: string, segments: readonly string[]): string => {
    const base = baseRead(fact);
    if (segments.length === 0) return base;
    if (lazyReads) return `path(${base}, P[${pathIndex(segments)}])`;
    const key = `p\0${fact}\0${segments.join('\0')}`;
    let name = slotNames.get(key);
    if (name === undefined) {
      name = `f${slotNames.size}`;
      slotNames.set(key, name);
      prelude.push(`var ${name} = path(${base}, P[${pathIndex(segments)}]);`);
    }
    return name;
  };
  const literal = (value: unknown): string => {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    helpers.literals.push(value);
    return `L[${helpers.literals.length - 1}]`;
  };
  /** The operator applied to two simple expressions (identifiers or literals). */
  const apply = (operator: string, a: string, b: string): string => {
    switch (operator) {
      case 'equal':
        return `${a} === ${b}`;
      case 'notEqual':
        return `${a} !== ${b}`;
      case 'lessThan':
      case 'lessThanInclusive':
      case 'greaterThan':
      case 'greaterThanInclusive': {
        const op = { lessThan: '<', lessThanInclusive: '<=', greaterThan: '>', greaterThanInclusive: '>=' }[operator];
        return `(typeof ${a} === "number" ? ${a} === ${a} : numeric(${a})) && ${a} ${op} ${b}`;
      }
      case 'contains':
        return `Array.isArray(${a}) && ${a}.indexOf(${b}) > -1`;
      case 'doesNotContain':
        return `Array.isArray(${a}) && ${a}.indexOf(${b}) === -1`;
      default:
        helpers.operators.push(operatorFunction(operator));
        return `O[${helpers.operators.length - 1}](${a}, ${b})`;
    }
  };
  const inlineIn = (operator: string, a: string, b: string, value: unknown): string | undefined => {
    if (!Array.isArray(value) && typeof value !== 'string') return undefined;
    if (operator === 'in') return `${b}.indexOf(${a}) > -1`;
    if (operator === 'notIn') return `${b}.indexOf(${a}) === -1`;
    return undefined;
  };

  let temp = 0;
  /** A leaf's operands: right first, then left (the order the interpreted stage reads them). */
  const operands = (leaf: PlanLeaf, lines: string[]): { a: string; b: string; literal: boolean } => {
    const operand = leaf.operand;
    let b: string;
    if (operand.kind === 'literal') b = literal(operand.value);
    else {
      const expr = operand.kind === 'param' ? read('$param', [operand.name]) : operand.kind === 'context' ? read('$context', [operand.name]) : read(operand.fact, operand.segments);
      b = `b${temp++}`;
      lines.push(`var ${b} = ${expr};`);
    }
    const left = read(leaf.fact, leaf.segments);
    const a = /^f\d+$|^p$|^x$/.test(left) ? left : `a${temp++}`;
    if (a !== left) lines.push(`var ${a} = ${left};`);
    return { a, b, literal: operand.kind === 'literal' };
  };
  const leafExpression = (leaf: PlanLeaf, a: string, b: string): string =>
    (leaf.operand.kind === 'literal' ? inlineIn(leaf.operator, a, b, leaf.operand.value) : undefined) ?? apply(leaf.operator, a, b);

  /** A pure subtree as one expression (no trace: lazily evaluated, since skipping a condition changes nothing). */
  const pureExpression = (node: PlanNode, lines: string[]): string => {
    if (node.kind === 'leaf') {
      const { a, b } = operands(node, lines);
      return `(${leafExpression(node, a, b)})`;
    }
    if (node.kind === 'not') return `!${pureExpression(node.child, lines)}`;
    if (node.children.length === 0) return 'true';
    const join = node.kind === 'all' ? ' && ' : ' || ';
    return `(${node.children.map((c) => pureExpression(c, lines)).join(join)})`;
  };

  /** Statements evaluating a node exactly as the interpreted stage does; returns the variable holding its result. */
  const statements = (node: PlanNode, lines: string[], offset: number, traced: boolean): string => {
    const out = `c${temp++}`;
    if (node.kind === 'leaf') {
      const { a, b, literal: isLiteral } = operands(node, lines);
      lines.push(`var ${out} = ${leafExpression(node, a, b)};`);
      if (traced) {
        const k = offset + node.id;
        lines.push(`T.results[${k}] = ${out} ? 2 : 1; T.factValues[${k}] = ${a};${isLiteral ? '' : ` T.values[${k}] = ${b};`}`);
      }
      return out;
    }
    if (node.kind === 'not') {
      const inner = statements(node.child, lines, offset, traced);
      lines.push(`var ${out} = !${inner};`);
      return out;
    }
    if (node.children.length === 0) {
      lines.push(`var ${out} = true;`);
      return out;
    }
    if (node.children.length === 1) return statements(node.children[0]!, lines, offset, traced);
    const sets = prioritySets(node.children);
    const all = node.kind === 'all';
    lines.push(`var ${out} = ${all};`);
    sets.forEach((set, i) => {
      const inner: string[] = [];
      const results = set.map((child) => statements(child, inner, offset, traced));
      inner.push(`${out} = ${results.join(all ? ' && ' : ' || ')};`);
      if (i === 0) lines.push(...inner);
      else lines.push(`if (${all ? out : `!${out}`}) {`, ...inner.map((l) => `  ${l}`), '}');
    });
    return out;
  };

  const body = (traced: boolean): string => {
    temp = 0;
    const lines: string[] = [];
    const results = plan.rules.map((rule, i) => {
      const root = rule.conditions.root;
      if (!traced && !lazyReads && pureNode(root)) {
        const r = `r${i}`;
        const expr = pureExpression(root, lines);
        lines.push(`var ${r} = ${expr};`);
        return r;
      }
      return statements(root, lines, offsets[i]!, traced);
    });
    const order = plan.rules.map((_, i) => i).sort((a, b) => plan.rules[b]!.priority - plan.rules[a]!.priority || a - b);
    lines.push('var fired = [];');
    for (const i of order) lines.push(`if (${results[i]}) fired.push(${i});`);
    lines.push('return fired;');
    return lines.map((l) => `    ${l}`).join('\n');
  };
  const untraced = body(false);
  const traced = body(true);
  const source = [
    'var L = H.literals, O = H.operators, P = H.paths, path = H.readFactPath, numeric = H.numeric, has = H.has;',
    'return {',
    '  run: function (s) {',
    '    var v = s.values, p = s.params, x = s.context;',
    ...prelude.map((l) => `    ${l}`),
    untraced,
    '  },',
    '  traced: function (s, T) {',
    '    var v = s.values, p = s.params, x = s.context;',
    ...prelude.map((l) => `    ${l}`),
    traced,
    '  }',
    '};',
  ].join('\n');
  // Both variants read the same slots (one prelude); literals, operators and paths are pushed as each variant is
  // written, so the indexes in each variant's source are its own.
  return { source, helpers, offsets, leafCount };
}

/**
 * Builds the generated rule stage of a plan: from `factory` (an ahead-of-time module's, for hosts without
 * `eval`) when given, else by `new Function` on the generated source.
 *
 * @param plan - the pack plan
 * @param factory - a ready-made factory for this plan's source (the rules build writes them)
 * @returns the untraced and traced stage and the trace layout
 */
export function buildGeneratedStage(plan: PackPlan, factory?: GeneratedFactory): { run: GeneratedStage; traced: GeneratedStage; offsets: number[]; leafCount: number; source: string } {
  const generated = generateSource(plan);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code generation, as ajv does
  const make = factory ?? (new Function('H', generated.source) as GeneratedFactory);
  const { run, traced } = make({ ...generated.helpers, readFact, readFactPath, numeric, has });
  return { run, traced, offsets: generated.offsets, leafCount: generated.leafCount, source: generated.source };
}

/**
 * An empty trace for a plan's leaves.
 *
 * @param leafCount - the number of leaves of all rules
 */
export function emptyTrace(leafCount: number): CompactTrace {
  return { results: new Uint8Array(leafCount), factValues: new Array<unknown>(leafCount), values: new Array<unknown>(leafCount) };
}
