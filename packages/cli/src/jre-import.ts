/**
 * Turns rule sets in json-rules-engine's format into a pack folder's documents: the rules copied as they are (a
 * `source` added), a fact schema inferred from what the rules read (types from the operators and values), a
 * `practice` source placeholder, a suite skeleton with one case per rule built to fire it and one built not to,
 * and a report of what could not be carried over, each with the way to express it in a pack. Pure: the command
 * (`commands/import-jre.ts`) reads and writes the files.
 */
import { moveConditionKeysToMeta, moveRuleKeysToMeta, type MovedKey, type RulePackDocument, type TestSuite } from '@aftersales/core';
import { buildSuite, hasOwn, HOW, isObject, pathSteps, splitOperator, walk, type ImportNote, type Json } from './jre-import-suite.js';

export type { ImportNote } from './jre-import-suite.js';

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
  /**
   * json-rules-engine's `replaceFactsInEventParams` of the engine these rules ran in (default false, its default):
   * written to the pack as it is, so `{ "fact": ... }` in event params keeps its meaning.
   */
  replaceFactsInEventParams?: boolean;
  /**
   * Shared conditions registered in host code (`engine.setCondition(name, condition)`), by name, as `--conditions`
   * reads them from a file; a name also in an engine export is replaced, as a later `setCondition` replaces it.
   */
  conditions?: Record<string, unknown>;
}

/** What an import produced. */
export interface ImportResult {
  pack: RulePackDocument & Record<string, unknown>;
  suite: TestSuite;
  notes: ImportNote[];
  /** Rules carried into the pack / rules found. */
  counts: { found: number; carried: number; cases: number };
}

const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);



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

  at(segments: string[]): Shape {
    let shape: Shape = this;
    for (const segment of segments) {
      if (/^\d+$/.test(segment)) {
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
          const segments = pathSteps(p);
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

/** One note a key moved under `meta`. */
function noteMoved(notes: ImportNote[], where: string, moved: MovedKey[]): void {
  for (const m of moved) {
    notes.push({ kind: 'moved-to-meta', where, message: `key "${m.from.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~')}" moved from ${m.from} to ${m.to}`, instead: HOW['moved-to-meta'], excluded: false });
  }
}

/** The shared conditions a pack keeps, each with its unknown keys under `meta`. */
function sharedConditions(names: string[], shared: Record<string, Json>, notes: ImportNote[]): RulePackDocument['conditions'] {
  const out: Json = {};
  for (const name of names) {
    const { condition, moved } = moveConditionKeysToMeta(shared[name], `/conditions/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    noteMoved(notes, `shared condition "${name}"`, moved);
    out[name] = condition;
  }
  return out as RulePackDocument['conditions'];
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
  for (const [name, condition] of Object.entries(options.conditions ?? {})) {
    if (!isObject(condition)) {
      notes.push({ kind: 'not-a-rule', where: `--conditions "${name}"`, message: 'a shared condition must be an object (with all, any, not or condition)', instead: HOW['not-a-rule'], excluded: true });
      continue;
    }
    shared[name] = structuredClone(condition);
  }
  const replaceFacts = options.replaceFactsInEventParams === true;
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
      const message = replaceFacts
        ? 'event params name a fact: replaced by its value (replaceFactsInEventParams: true)'
        : 'event params name a fact: kept as written (replaceFactsInEventParams: false, json-rules-engine\'s default)';
      notes.push({ kind: 'fact-in-event-params', where: label, message, instead: HOW['fact-in-event-params'], excluded: false });
      if (replaceFacts) for (const v of Object.values(params)) if (isObject(v) && typeof v.fact === 'string') factsRead.add(v.fact);
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
    // Keys neither format knows would be refused by the pack (a misspelt key must never be lost): under meta.
    const { rule: converted, moved } = moveRuleKeysToMeta(kept, `/rules/${carried.length}`);
    noteMoved(notes, label, moved);
    carried.push({ ...converted, name, source: `imported: ${where}` });
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
    const segments = typeof leaf.path === 'string' ? pathSteps(leaf.path) : [];
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
    undefinedFacts: options.allowUndefinedFacts ? 'allow' : 'error',
    replaceFactsInEventParams: replaceFacts,
    ...(sharedUsed.size > 0 ? { conditions: sharedConditions([...sharedUsed].sort(), shared, notes) } : {}),
    facts: { type: 'object', properties },
    rules: carried as unknown as RulePackDocument['rules'],
    default: {},
    outcome: { type: 'object' },
  };

  const suite = buildSuite(pack, shared, notes);
  return { pack, suite, notes, counts: { found: found.length, carried: carried.length, cases: suite.cases.length } };
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
