/**
 * The checks of a pack document that its JSON Schema cannot express: time zone and dates, parameter values
 * against their own types, fact and outcome schemas that compile, known facts, parameters and calculators,
 * calculator arguments, duplicate names, `requires` resolved without a cycle, safe paths and operands. Every
 * problem is collected with its JSON pointer; what the checks compile (validators, condition trees) is handed on
 * to the plan.
 */
import type { ValidateFunction } from 'ajv';
import { calculatorInfo, listCalculators } from './calculators.js';
import { checkEnumLabels } from './enum-labels.js';
import { isKnownTimeZone, localDate } from './calendar.js';
import { buildConditionTree, isConditionReference, isLeafCondition, type ConditionTree, type PlanLeaf } from './condition-tree.js';
import { parseOperator } from './operators.js';
import { describeValue, isPlainObject } from './json.js';
import type { PackLookup, RequiredPack } from './lookup.js';
import { parsePath, pointerToken } from './path.js';
import { walkReferences } from './references.js';
import { staticProblems } from './static-checks.js';
import { unknownName } from './suggest.js';
import { boundArrays, factsAjv, plainAjv, toProblems } from './schema.js';
import type { Condition, ParameterDefinition, Problem, RulePackDocument } from './types.js';

/** The time zone of a pack that names none. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** What the checks compiled, for the plan. */
export interface Checked {
  factsValidator: ValidateFunction;
  outcomeValidator: ValidateFunction;
  parameterValidators: Map<string, ValidateFunction>;
  required: Array<{ pack: RequiredPack; as: string; factsFrom?: string }>;
  trees: ConditionTree[];
  /** The shared conditions' trees by name. */
  sharedTrees: Map<string, ConditionTree>;
}


/** Every shared-condition reference in a condition, with its JSON pointer. */
function references(condition: Condition, pointer: string, visit: (name: string, at: string) => void): void {
  if (isConditionReference(condition)) visit(condition.condition, pointer);
  else if (isLeafCondition(condition)) return;
  else if ('all' in condition && Array.isArray(condition.all)) condition.all.forEach((c, i) => references(c, `${pointer}/all/${i}`, visit));
  else if ('any' in condition && Array.isArray(condition.any)) condition.any.forEach((c, i) => references(c, `${pointer}/any/${i}`, visit));
  else if ('not' in condition) references(condition.not as Condition, `${pointer}/not`, visit);
}

/** The JSON Schema that a parameter override must satisfy. */
function parameterSchema(def: ParameterDefinition): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: def.type };
  if (def.minimum !== undefined) schema.minimum = def.minimum;
  if (def.maximum !== undefined) schema.maximum = def.maximum;
  if (def.enum !== undefined) schema.enum = def.enum;
  return schema;
}

function compileOrProblem(ajv: typeof plainAjv, schema: unknown, path: string, problems: Problem[]): ValidateFunction | undefined {
  try {
    // A top-level $id would clash when a pack is loaded twice (two versions, a replay): compile without it, and
    // drop the schema from ajv's cache afterwards so that loading many packs does not grow memory.
    const { $id: _ignored, ...rest } = schema as Record<string, unknown>;
    void _ignored;
    const bounded = boundArrays(rest) as Record<string, unknown>;
    const validate = ajv.compile(bounded);
    ajv.removeSchema(bounded);
    return validate;
  } catch (error) {
    problems.push({ path, message: `is not a valid JSON Schema: ${(error as Error).message}`, code: 'INVALID_SCHEMA' });
    return undefined;
  }
}

/**
 * Checks a schema-valid pack document for everything the schema cannot say.
 *
 * @param pack - the document (already valid against the pack schema)
 * @param lookup - where required packs are found
 * @returns every problem, and what was compiled when there is none
 */
export function checkDocument(pack: RulePackDocument, lookup: PackLookup | undefined): { problems: Problem[]; checked?: Checked } {
  const problems: Problem[] = [];
  const timeZone = pack.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isKnownTimeZone(timeZone)) problems.push({ path: '/timeZone', message: 'must be an IANA time zone name', code: 'UNKNOWN_TIME_ZONE', found: timeZone });
  for (const key of ['from', 'to'] as const) {
    const v = pack.effective[key];
    if (v !== undefined && localDate(v, 'UTC') === null) problems.push({ path: `/effective/${key}`, message: 'must be a real calendar date', code: 'INVALID_DATE', found: v });
  }
  if (pack.effective.to !== undefined && pack.effective.to < pack.effective.from) {
    problems.push({ path: '/effective/to', message: 'must not be before effective.from', code: 'INVALID_PERIOD', expected: `>= ${pack.effective.from}`, found: pack.effective.to });
  }

  // Parameters: each value must satisfy its own declared type.
  const parameters = pack.parameters ?? {};
  const parameterValidators = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(parameters)) {
    const validator = compileOrProblem(plainAjv, parameterSchema(def), `/parameters/${name}`, problems);
    if (!validator) continue;
    parameterValidators.set(name, validator);
    if (!validator(def.value)) {
      for (const p of toProblems(validator.errors, def.value, `/parameters/${name}/value`)) problems.push(p);
    }
  }

  // Fact and outcome schemas must compile.
  const factsValidator = compileOrProblem(factsAjv, pack.facts, '/facts', problems);
  const outcomeValidator = compileOrProblem(plainAjv, pack.outcome, '/outcome', problems);

  // Known fact names: declared facts, derived facts (in order), required packs' outcomes.
  // Labels of enum values (x-labels) name only the enum's values.
  problems.push(...checkEnumLabels(pack.facts));
  const known = new Set<string>(Object.keys((pack.facts.properties as Record<string, unknown>) ?? {}));
  const required: Checked['required'] = [];
  (pack.requires ?? []).forEach((req, i) => {
    if (req.pack === pack.id) {
      problems.push({ path: `/requires/${i}/pack`, message: 'a pack cannot require itself', code: 'REQUIRES_CYCLE', found: req.pack });
      return;
    }
    const target = lookup?.get(req.pack);
    if (!target) {
      problems.push({ path: `/requires/${i}/pack`, message: `required pack "${req.pack}" is not in the registry`, code: 'REQUIRES_UNRESOLVED', found: req.pack });
    } else if (target.requiresDeep().has(pack.id)) {
      problems.push({ path: `/requires/${i}/pack`, message: `requiring "${req.pack}" would form a cycle back to "${pack.id}"`, code: 'REQUIRES_CYCLE', found: req.pack });
    } else {
      required.push({ pack: target, as: req.as, ...(req.factsFrom !== undefined ? { factsFrom: req.factsFrom } : {}) });
    }
    if (req.factsFrom !== undefined && !known.has(req.factsFrom)) {
      problems.push(unknownName(`/requires/${i}/factsFrom`, `fact "${req.factsFrom}" is not declared in facts`, 'UNKNOWN_FACT', req.factsFrom, known));
    }
    if (known.has(req.as)) problems.push({ path: `/requires/${i}/as`, message: `"${req.as}" is already a fact name`, code: 'DUPLICATE_FACT', found: req.as });
    known.add(req.as);
  });

  const pathProblem = (at: string, path: string, error: Error) => {
    const message = (error as { problems?: Problem[] }).problems?.[0]?.message ?? 'is not a safe path';
    problems.push({ path: at, message, code: 'UNSAFE_PATH', found: path });
  };
  const checkReferences = (value: unknown, pointer: string) =>
    walkReferences(value, pointer, (ref, at) => {
      // Own names only: `toString`, `constructor` and `__proto__` are not parameters of any pack.
      if (ref.param !== undefined && !Object.prototype.hasOwnProperty.call(parameters, ref.param)) {
        problems.push(unknownName(`${at}/param`, `unknown parameter "${ref.param}"`, 'UNKNOWN_PARAMETER', ref.param, Object.keys(parameters)));
      }
      if (ref.fact !== undefined && !known.has(ref.fact)) {
        problems.push(unknownName(`${at}/fact`, `unknown fact "${ref.fact}"`, 'UNKNOWN_FACT', ref.fact, known));
      }
      if (ref.path === '') {
        // The format's propertyPath refuses an empty path where the schema reaches (conditions, derived args);
        // event params are free-form to the schema, so the same rule is applied here.
        problems.push({ path: `${at}/path`, message: 'must not be empty (omit path to read the whole fact)', code: 'UNSAFE_PATH', found: ref.path });
      } else if (ref.path !== undefined) {
        try {
          parsePath(ref.path);
        } catch (error) {
          pathProblem(`${at}/path`, ref.path, error as Error);
        }
      }
    });

  (pack.derived ?? []).forEach((d, i) => {
    const info = calculatorInfo(d.calculator);
    if (!info) {
      problems.push(unknownName(`/derived/${i}/calculator`, `unknown calculator "${d.calculator}"`, 'UNKNOWN_CALCULATOR', d.calculator, listCalculators().map((c) => c.name)));
    } else {
      const names = new Set(info.args.map((a) => a.name));
      for (const a of info.args) {
        if (a.required && !(a.name in d.args)) problems.push({ path: `/derived/${i}/args/${a.name}`, message: `calculator "${d.calculator}" needs argument "${a.name}"`, code: 'MISSING_ARGUMENT' });
      }
      for (const key of Object.keys(d.args)) {
        if (!names.has(key)) problems.push(unknownName(`/derived/${i}/args/${pointerToken(key)}`, `calculator "${d.calculator}" has no argument "${key}"`, 'UNKNOWN_ARGUMENT', key, names));
      }
    }
    checkReferences(d.args, `/derived/${i}/args`);
    if (known.has(d.name)) problems.push({ path: `/derived/${i}/name`, message: `"${d.name}" is already a fact name`, code: 'DUPLICATE_FACT', found: d.name });
    known.add(d.name);
  });

  // Shared conditions: every reference names one, and none reaches itself.
  const shared = (pack.conditions ?? {}) as Record<string, Condition>;
  const sharedNames = new Set(Object.keys(shared));
  const referencesOf = new Map<string, string[]>();
  const checkNames = (condition: Condition, pointer: string, into?: string[]) =>
    references(condition, pointer, (name, at) => {
      into?.push(name);
      if (!sharedNames.has(name)) {
        problems.push(unknownName(`${at}/condition`, `no shared condition "${name}": declare it in the pack's "conditions"`, 'UNKNOWN_CONDITION', name, sharedNames));
      }
    });
  for (const [name, condition] of Object.entries(shared)) {
    const names: string[] = [];
    checkNames(condition, `/conditions/${pointerToken(name)}`, names);
    referencesOf.set(name, names);
  }
  const cyclic = new Set<string>();
  const visiting: string[] = [];
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name) || !referencesOf.has(name)) return;
    if (visiting.includes(name)) {
      visiting.slice(visiting.indexOf(name)).forEach((n) => cyclic.add(n));
      return;
    }
    visiting.push(name);
    referencesOf.get(name)!.forEach(visit);
    visiting.pop();
    done.add(name);
  };
  referencesOf.forEach((_, name) => visit(name));
  for (const name of [...cyclic].sort()) {
    problems.push({ path: `/conditions/${pointerToken(name)}`, message: `shared condition "${name}" refers to itself through references`, code: 'CONDITION_CYCLE', found: name });
  }
  const sharedForTrees = Object.fromEntries(Object.entries(shared).filter(([name]) => !cyclic.has(name)));

  // Leaves are checked once each, by pointer: a shared condition's leaves appear in every rule that uses it.
  const checkedLeaves = new Set<string>();
  const checkLeaf = (leaf: PlanLeaf) => {
    if (checkedLeaves.has(leaf.pointer)) return;
    checkedLeaves.add(leaf.pointer);
    if (!known.has(leaf.fact)) problems.push(unknownName(`${leaf.pointer}/fact`, `unknown fact "${leaf.fact}"`, 'UNKNOWN_FACT', leaf.fact, known));
    const parsed = parseOperator(leaf.operator);
    const value = leaf.condition.value;
    const factReference = leaf.operand.kind === 'fact';
    // An unknown operator is a schema problem (reported with the others, see schema.ts); here only its operand.
    if (!('error' in parsed)) {
      const listDecorator = parsed.decorators.findIndex((d) => d === 'someValue' || d === 'everyValue');
      const swapBefore = listDecorator >= 0 && parsed.decorators.slice(0, listDecorator).includes('swap');
      if (listDecorator >= 0 && !swapBefore && !Array.isArray(value) && !factReference) {
        problems.push({ path: `${leaf.pointer}/value`, message: `operator "${leaf.operator}" needs a list of values`, code: 'INVALID_OPERAND', expected: 'array', found: describeValue(value) });
      } else if (parsed.decorators.length === 0 && (parsed.operator === 'in' || parsed.operator === 'notIn') && !Array.isArray(value) && typeof value !== 'string' && !factReference) {
        problems.push({ path: `${leaf.pointer}/value`, message: `operator "${leaf.operator}" needs a list of values (or a string, searched as text)`, code: 'INVALID_OPERAND', expected: 'array', found: describeValue(value) });
      }
    }
    if (Object.prototype.hasOwnProperty.call(leaf.condition, 'params')) {
      problems.push({
        path: `${leaf.pointer}/params`,
        message: 'fact params select a dynamic fact\'s computation in json-rules-engine; a pack\'s facts are data: send one plain fact per distinct params, computed by the caller, or use a derived fact',
        code: 'DYNAMIC_FACT',
        found: describeValue(leaf.condition.params),
      });
    }
    if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, 'fact') && Object.prototype.hasOwnProperty.call(value, 'params')) {
      problems.push({
        path: `${leaf.pointer}/value/params`,
        message: 'a value { fact, params } reads a dynamic fact with params in json-rules-engine; a pack\'s facts are data: compare with { "fact": name } of a plain fact the caller computes, or a derived fact',
        code: 'DYNAMIC_FACT',
        found: describeValue(value.params),
      });
    }
    checkReferences(value, `${leaf.pointer}/value`);
  };
  const pathReport = (at: string, path: string, error: Error) => {
    // A path inside a `{fact, path}` value is reported by the reference check.
    if (!at.endsWith('/value/path')) pathProblem(at, path, error);
  };
  const sharedTrees = new Map<string, ConditionTree>();
  for (const [name, condition] of Object.entries(sharedForTrees)) {
    const tree = buildConditionTree(condition, `/conditions/${pointerToken(name)}`, pathReport, sharedForTrees);
    tree.leaves.forEach(checkLeaf);
    sharedTrees.set(name, tree);
  }

  const ruleNames = new Map<string, number>();
  const trees = pack.rules.map((rule, i) => {
    const first = ruleNames.get(rule.name);
    if (first !== undefined) problems.push({ path: `/rules/${i}/name`, message: `duplicate rule name "${rule.name}" (first at /rules/${first})`, code: 'DUPLICATE_RULE', found: rule.name });
    else ruleNames.set(rule.name, i);
    if (rule.priority !== undefined) {
      // json-rules-engine: parseInt(priority || 1); below one is refused ("Priority must be greater than zero").
      const read = Number.parseInt(String(rule.priority || 1), 10);
      if (Number.isNaN(read) || read <= 0) {
        problems.push({ path: `/rules/${i}/priority`, message: 'must be a number greater than zero (read as json-rules-engine reads it: parseInt)', code: 'INVALID_PRIORITY', expected: '>= 1', found: rule.priority });
      }
    }
    checkNames(rule.conditions as Condition, `/rules/${i}/conditions`);
    const tree = buildConditionTree(rule.conditions as Condition, `/rules/${i}/conditions`, pathReport, sharedForTrees);
    tree.leaves.forEach(checkLeaf);
    // With replaceFactsInEventParams false, event params are data: a { fact } there names nothing.
    if (pack.replaceFactsInEventParams !== false) checkReferences(rule.event.params ?? {}, `/rules/${i}/event/params`);
    return tree;
  });
  checkReferences(pack.default, '/default');

  if (factsValidator && outcomeValidator) problems.push(...staticProblems({ pack, trees, sharedTrees, outcomeValidator }));

  if (problems.length > 0 || !factsValidator || !outcomeValidator) return { problems };
  return { problems, checked: { factsValidator, outcomeValidator, parameterValidators, required, trees, sharedTrees } };
}
