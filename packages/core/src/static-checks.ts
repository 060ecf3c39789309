/**
 * Static checks of a pack at load, on the condition trees the plan is built from: a condition's right-hand side
 * against its fact's schema (a string compared with `greaterThanInclusive` on an integer fact, an enum value that
 * is not one, a threshold outside the fact's range so the condition can never hold, conditions of one `all` that
 * contradict each other), a `{fact}` / `{param}` / `{context}` reference's type against the compared fact, and
 * every rule's literal outcome, merged with the default as the hit policy merges, against the outcome schema.
 * Each of these would otherwise pass `validate` and `lint` and show only as a rule that never fires or an
 * `INVALID_OUTCOME` at run time.
 */
import type { ValidateFunction } from 'ajv';
import type { ConditionTree, PlanGroup, PlanLeaf } from './condition-tree.js';
import { factShape, itemShape, jsonTypeOf, typeAllowed, typesInWords, type FactShape, type JsonType } from './fact-shapes.js';
import { describeValue, isPlainObject } from './json.js';
import { parseOperator } from './operators.js';
import { mergeOutcome } from './outcome.js';
import { pointerToken } from './path.js';
import { isReference } from './references.js';
import { toProblems } from './schema.js';
import { suggest } from './suggest.js';
import type { Problem, RulePackDocument } from './types.js';

/** What the static checks read: the document and what the other checks compiled from it. */
export interface StaticInput {
  pack: RulePackDocument;
  trees: ConditionTree[];
  sharedTrees: Map<string, ConditionTree>;
  outcomeValidator: ValidateFunction;
}

const ORDER = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** A value compared with the fact, and where it is written. */
interface Compared {
  value: unknown;
  pointer: string;
}

/**
 * Every static problem of a pack whose structure is otherwise checked (names resolved or reported elsewhere).
 *
 * @param input - the document, its condition trees and its outcome validator
 * @returns the problems, each with its JSON pointer, the value found and what was allowed
 */
export function staticProblems(input: StaticInput): Problem[] {
  const { pack, trees, sharedTrees } = input;
  const facts = pack.facts as Record<string, unknown>;
  const problems: Problem[] = [];
  const all = [...sharedTrees.values(), ...trees];
  const seen = new Set<string>();
  for (const tree of all) {
    for (const leaf of tree.leaves) {
      if (seen.has(leaf.pointer)) continue;
      seen.add(leaf.pointer);
      checkLeaf(leaf, pack, facts, problems);
    }
    for (const group of tree.groups) {
      if (group.kind !== 'all' || seen.has(group.pointer)) continue;
      seen.add(group.pointer);
      checkContradictions(group, problems);
    }
  }
  problems.push(...outcomeProblems(input));
  return problems;
}

function label(leaf: PlanLeaf): string {
  return leaf.path === undefined ? `fact "${leaf.fact}"` : `fact "${leaf.fact}" at path "${leaf.path}"`;
}

function checkLeaf(leaf: PlanLeaf, pack: RulePackDocument, facts: Record<string, unknown>, problems: Problem[]): void {
  const parsed = parseOperator(leaf.operator);
  if ('error' in parsed || parsed.decorators.includes('swap')) return;
  let shape = factShape(facts, leaf.fact, leaf.segments);
  if (!shape) return;
  let compared: Compared[] = [{ value: leaf.condition.value, pointer: `${leaf.pointer}/value` }];
  const literal = leaf.operand.kind === 'literal';
  for (const decorator of parsed.decorators) {
    if (decorator === 'someFact' || decorator === 'everyFact') {
      if (!needsArray(shape, leaf, `${leaf.pointer}/operator`, problems)) return;
      shape = itemShape(facts, shape);
      if (!shape) return;
    } else if (decorator === 'someValue' || decorator === 'everyValue') {
      if (!literal) return;
      compared = compared.flatMap((c) => (Array.isArray(c.value) ? c.value.map((v, i) => ({ value: v, pointer: `${c.pointer}/${i}` })) : []));
    }
  }
  const decorated = parsed.decorators.length > 0;
  if (!literal) {
    if (!decorated || parsed.decorators.every((d) => d === 'not')) checkReference(leaf, parsed.operator, shape, pack, facts, problems);
    return;
  }
  const op = parsed.operator;
  if (op === 'contains' || op === 'doesNotContain') {
    if (!needsArray(shape, leaf, `${leaf.pointer}/operator`, problems)) return;
    const items = itemShape(facts, shape);
    if (items) for (const c of compared) checkMember(c, items, leaf, problems);
    return;
  }
  if (op === 'in' || op === 'notIn') {
    for (const c of compared) {
      if (Array.isArray(c.value)) c.value.forEach((v, i) => checkMember({ value: v, pointer: `${c.pointer}/${i}` }, shape, leaf, problems));
    }
    return;
  }
  if (ORDER.has(op)) {
    for (const c of compared) {
      if (!checkOrderType(c, shape, leaf, problems) && !decorated) checkRange(c, op, shape, leaf, problems);
    }
    return;
  }
  // equal, notEqual
  for (const c of compared) {
    if (!checkMember(c, shape, leaf, problems) && op === 'equal' && !decorated) checkRange(c, 'equal', shape, leaf, problems);
  }
}

/** A fact read with an array operator or decorator must be able to be an array; else reports it. */
function needsArray(shape: FactShape, leaf: PlanLeaf, pointer: string, problems: Problem[]): boolean {
  if (!shape.types || shape.types.has('array')) return true;
  problems.push({
    path: pointer,
    message: `operator "${leaf.operator}" reads ${label(leaf)} as a list, but it is ${typesInWords(shape.types)}: the condition can never hold as meant`,
    code: 'TYPE_MISMATCH',
    expected: 'array',
    found: typesInWords(shape.types),
  });
  return false;
}

/** A value compared for equality (or membership) must be one the fact can take: its type and its enum. */
function checkMember(c: Compared, shape: FactShape, leaf: PlanLeaf, problems: Problem[]): boolean {
  const type = jsonTypeOf(c.value);
  if (shape.types && !typeAllowed(type, shape.types)) {
    problems.push({
      path: c.pointer,
      message: `${JSON.stringify(c.value) ?? 'value'} is ${article(type)} but ${label(leaf)} is ${typesInWords(shape.types)}: "${leaf.operator}" compares them as never equal`,
      code: 'TYPE_MISMATCH',
      expected: typesInWords(shape.types),
      found: describeValue(c.value),
    });
    return true;
  }
  if (shape.enum && !shape.enum.some((allowed) => sameJson(allowed, c.value))) {
    const suggestion = typeof c.value === 'string' ? suggest(c.value, shape.enum.filter((v): v is string => typeof v === 'string')) : undefined;
    problems.push({
      path: c.pointer,
      message: `${JSON.stringify(c.value)} is not one of the values of ${label(leaf)}`,
      code: 'UNKNOWN_ENUM_VALUE',
      expected: [...shape.enum],
      found: describeValue(c.value),
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
    return true;
  }
  return false;
}

/** A threshold compared with lessThan…greaterThanInclusive: a number for a numeric fact, a string for a string fact. */
function checkOrderType(c: Compared, shape: FactShape, leaf: PlanLeaf, problems: Problem[]): boolean {
  if (!shape.types) return false;
  const type = jsonTypeOf(c.value);
  const comparable: JsonType[] = [...shape.types].filter((t) => t === 'integer' || t === 'number' || t === 'string');
  if ((type === 'string' || type === 'integer' || type === 'number') && typeAllowed(type, new Set(comparable), true)) return false;
  problems.push({
    path: c.pointer,
    message: `${JSON.stringify(c.value) ?? 'value'} is ${article(type)} but ${label(leaf)} is ${typesInWords(shape.types)}: "${leaf.operator}" can never hold`,
    code: 'TYPE_MISMATCH',
    expected: comparable.length > 0 ? comparable.join(' or ') : 'a number or string fact',
    found: describeValue(c.value),
  });
  return true;
}

/** A numeric threshold (or an equal value) outside the fact's minimum/maximum: the condition can never hold. */
function checkRange(c: Compared, op: string, shape: FactShape, leaf: PlanLeaf, problems: Problem[]): void {
  const v = c.value;
  if (typeof v !== 'number') return;
  const { minimum: min, maximum: max, exclusiveMinimum: xmin, exclusiveMaximum: xmax } = shape;
  const above = (max !== undefined && (op === 'greaterThan' ? v >= max : v > max)) || (xmax !== undefined && v >= xmax);
  const below = (min !== undefined && (op === 'lessThan' ? v <= min : v < min)) || (xmin !== undefined && v <= xmin);
  const never = op === 'greaterThan' || op === 'greaterThanInclusive' ? above : op === 'lessThan' || op === 'lessThanInclusive' ? below : above || below;
  if (!never) return;
  const range = [min !== undefined ? `>= ${min}` : xmin !== undefined ? `> ${xmin}` : '', max !== undefined ? `<= ${max}` : xmax !== undefined ? `< ${xmax}` : ''].filter(Boolean).join(' and ');
  problems.push({
    path: c.pointer,
    message: `${label(leaf)} ${leaf.operator} ${v} can never hold: the fact's schema allows only values ${range}`,
    code: 'UNREACHABLE_CONDITION',
    expected: range,
    found: v,
  });
}

/** The types a reference's value can have: a parameter's declared type, the context's strings, another fact's schema. */
function referenceTypes(leaf: PlanLeaf, pack: RulePackDocument, facts: Record<string, unknown>): { types: ReadonlySet<JsonType>; what: string } | undefined {
  const operand = leaf.operand;
  if (operand.kind === 'param') {
    const parameters = pack.parameters ?? {};
    if (!hasOwn(parameters, operand.name)) return undefined;
    return { types: new Set([parameters[operand.name]!.type]), what: `parameter "${operand.name}"` };
  }
  if (operand.kind === 'context') return operand.name === 'asOf' || operand.name === 'asOfDate' ? { types: new Set(['string']), what: `context "${operand.name}"` } : undefined;
  if (operand.kind === 'fact') {
    const types = factShape(facts, operand.fact, operand.segments)?.types;
    return types ? { types, what: operand.path === undefined ? `fact "${operand.fact}"` : `fact "${operand.fact}" at path "${operand.path}"` } : undefined;
  }
  return undefined;
}

function checkReference(leaf: PlanLeaf, op: string, shape: FactShape, pack: RulePackDocument, facts: Record<string, unknown>, problems: Problem[]): void {
  const ref = referenceTypes(leaf, pack, facts);
  if (!ref || !shape.types) return;
  const factTypes = shape.types;
  let ok: boolean;
  let expected: string;
  if (op === 'in' || op === 'notIn') {
    ok = ref.types.has('array') || ref.types.has('string');
    expected = 'array';
  } else if (op === 'contains' || op === 'doesNotContain') {
    ok = factTypes.has('array');
    expected = 'an array fact';
  } else if (ORDER.has(op)) {
    const factClasses = orderClasses(factTypes);
    ok = [...orderClasses(ref.types)].some((c) => factClasses.has(c));
    expected = factClasses.size > 0 ? [...factClasses].join(' or ') : 'a number or string fact';
  } else {
    ok = [...ref.types].some((t) => typeAllowed(t, factTypes)) || [...factTypes].some((t) => typeAllowed(t, ref.types));
    expected = typesInWords(factTypes);
  }
  if (ok) return;
  problems.push({
    path: `${leaf.pointer}/value`,
    message: `${ref.what} is ${typesInWords(ref.types)} but ${label(leaf)} is ${typesInWords(factTypes)}: "${leaf.operator}" can never hold as meant`,
    code: 'TYPE_MISMATCH',
    expected,
    found: typesInWords(ref.types),
  });
}

interface Bound {
  value: number;
  inclusive: boolean;
  leaf: PlanLeaf;
}

/** Literal conditions on one fact inside one `all` that no value can meet together (bounds that cross, two equals). */
function checkContradictions(group: PlanGroup, problems: Problem[]): void {
  const state = new Map<string, { lo?: Bound; hi?: Bound; eq?: { value: unknown; leaf: PlanLeaf }; reported?: true }>();
  for (const node of group.children) {
    if (node.kind !== 'leaf' || node.operand.kind !== 'literal') continue;
    const v = node.operand.value;
    const op = node.operator;
    if (op !== 'equal' && !(ORDER.has(op) && typeof v === 'number')) continue;
    if (op === 'equal' && v !== null && typeof v === 'object') continue;
    const key = `${node.fact}\u0000${node.path ?? ''}`;
    const s = state.get(key) ?? {};
    state.set(key, s);
    if (s.reported) continue;
    let clash: PlanLeaf | undefined;
    if (op === 'equal') {
      if (s.eq && s.eq.value !== v) clash = s.eq.leaf;
      else s.eq = { value: v, leaf: node };
    } else if (op.startsWith('greater')) {
      const b = { value: v as number, inclusive: op === 'greaterThanInclusive', leaf: node };
      if (!s.lo || b.value > s.lo.value || (b.value === s.lo.value && !b.inclusive)) s.lo = b;
    } else {
      const b = { value: v as number, inclusive: op === 'lessThanInclusive', leaf: node };
      if (!s.hi || b.value < s.hi.value || (b.value === s.hi.value && !b.inclusive)) s.hi = b;
    }
    if (!clash && s.lo && s.hi && (s.lo.value > s.hi.value || (s.lo.value === s.hi.value && !(s.lo.inclusive && s.hi.inclusive)))) {
      clash = s.lo.leaf === node ? s.hi.leaf : s.lo.leaf;
    }
    if (!clash && s.eq && typeof s.eq.value === 'number') {
      const x = s.eq.value;
      const beyond = (b: Bound | undefined, low: boolean) => b !== undefined && ((low ? x < b.value : x > b.value) || (x === b.value && !b.inclusive));
      const bound = beyond(s.lo, true) ? s.lo : beyond(s.hi, false) ? s.hi : undefined;
      if (bound) clash = bound.leaf === node ? s.eq.leaf : bound.leaf;
    }
    if (!clash) continue;
    s.reported = true;
    const [a, b] = [clash, node];
    problems.push({
      path: group.pointer,
      message: `${a.pointer} (${a.fact} ${a.operator} ${JSON.stringify(a.operand.kind === 'literal' ? a.operand.value : null)}) and ${b.pointer} (${b.fact} ${b.operator} ${JSON.stringify(v)}) can never hold together, so this "all" never holds`,
      code: 'UNREACHABLE_CONDITION',
      found: [a.pointer, b.pointer],
    });
  }
}

/** A stand-in for a fact's or the context's value in an outcome checked at load: it is known only at run time. */
const UNKNOWN = '\u0000reference';

/** A value with `{param}` references replaced by the pack's own values and other references by stand-ins. */
function withStandIns(value: unknown, parameters: Record<string, { value: unknown }>): unknown {
  if (isReference(value)) {
    return value.param !== undefined && hasOwn(parameters, value.param) ? parameters[value.param]!.value : { [UNKNOWN]: true };
  }
  if (Array.isArray(value)) return value.map((v) => withStandIns(v, parameters));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandIns(v, parameters)]));
  return value;
}

/** The JSON pointers of the stand-ins in a value. */
function standInPointers(value: unknown, pointer = '', out: string[] = []): string[] {
  if (isPlainObject(value) && hasOwn(value, UNKNOWN)) out.push(pointer);
  else if (Array.isArray(value)) value.forEach((v, i) => standInPointers(v, `${pointer}/${i}`, out));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) standInPointers(v, `${pointer}/${pointerToken(k)}`, out);
  return out;
}

/**
 * The outcome when no rule fires and when each rule fires alone, merged as the hit policy merges ({@link
 * mergeOutcome}, the code evaluation runs), validated against the outcome schema. References stand in for values
 * checked at run time; a problem at or under one is left out.
 */
function outcomeProblems({ pack, outcomeValidator }: StaticInput): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const parameters = pack.parameters ?? {};
  const base = withStandIns(pack.default, parameters) as Record<string, unknown>;
  const cases: Array<{ rule?: number; params: Record<string, unknown> }> = [{ params: {} }, ...pack.rules.map((r, i) => ({ rule: i, params: (r.event.params ?? {}) as Record<string, unknown> }))];
  for (const { rule, params } of cases) {
    const literal = pack.replaceFactsInEventParams === false;
    const fired = rule === undefined ? [] : [{ rule: pack.rules[rule]!.name, source: '', priority: 1, event: { type: '', params: (literal ? params : withStandIns(params, parameters)) as Record<string, unknown> } }];
    const outcome = mergeOutcome(base, fired, pack.hitPolicy);
    if (outcomeValidator(outcome)) continue;
    const unknown = standInPointers(outcome);
    for (const p of toProblems(outcomeValidator.errors, outcome)) {
      // A problem at, above or below a value known only at run time is left to the run-time check.
      if (unknown.some((u) => u === p.path || u.startsWith(`${p.path}/`) || p.path.startsWith(`${u}/`))) continue;
      // A missing property is reported at the object that lacks it; a property the rule sets, at the rule.
      const at = p.code === 'schema.required' ? p.path.slice(0, p.path.lastIndexOf('/')) : p.path;
      const first = (at.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
      const fromRule = rule !== undefined && at !== '' && hasOwn(params, first);
      const path = existing(pack, fromRule ? `/rules/${rule}/event/params${at}` : `/default${at}`);
      const key = `${path}|${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const when = rule === undefined ? 'when no rule fires' : `when rule "${pack.rules[rule]!.name}" fires`;
      problems.push({ ...p, path, code: 'INVALID_OUTCOME', message: `${p.message}: the outcome ${when} (default merged by hit policy "${pack.hitPolicy}") breaks the outcome schema at ${p.path || '/'}` });
    }
  }
  return problems;
}

/** The pointer, or its nearest ancestor that the document has (a value the merge made up has no place of its own). */
function existing(document: unknown, pointer: string): string {
  let current = document;
  let found = '';
  for (const token of pointer.slice(1).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !hasOwn(current, key)) break;
    current = (current as Record<string, unknown>)[key];
    found += `/${token}`;
  }
  return found;
}

/** What lessThan…greaterThanInclusive can compare a value of these types as: a number or a string. */
function orderClasses(types: ReadonlySet<JsonType>): Set<string> {
  const out = new Set<string>();
  for (const t of types) {
    if (t === 'integer' || t === 'number') out.add('number');
    else if (t === 'string') out.add('string');
  }
  return out;
}

function article(type: JsonType): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : type === 'null' ? 'null' : `a ${type}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
