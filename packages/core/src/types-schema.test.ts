/**
 * `types.ts` against the pack format's JSON Schema: each authored shape's members, and which are required, are
 * listed once below as a record over the TypeScript type (so the compiler fails when the type gains or loses a
 * member, or one turns optional or required) and compared with the schema (so the test fails when the schema
 * drifts from the type). The operator union is compared the same way.
 */
import { describe, expect, it } from 'vitest';
import schema from '../schema/rule-pack.schema.json';
import type {
  ConditionOperator,
  DerivedDefinition,
  LeafCondition,
  PackSource,
  ParameterDefinition,
  RequiresDefinition,
  RuleDefinition,
  RulePackDocument,
} from './types.js';

/** `true` for a required member, `false` for an optional one, exhaustive over the type's keys. */
/** (Free `x-` keys, an index signature, are left out.) */
type Members<T> = { [K in keyof T as string extends K ? never : K extends `x-${string}` ? never : K]-?: {} extends Pick<T, K> ? false : true };

const pack: Members<RulePackDocument> = {
  $schema: false, id: true, version: true, title: true, description: true, sources: true, effective: true, timeZone: false,
  hitPolicy: true, undefinedFacts: false, replaceFactsInEventParams: false, conditions: false, parameters: false, facts: true, derived: false, requires: false, rules: true, default: true,
  defaultMessage: false, notes: false, outcome: true, meta: false,
};
const parameter: Members<ParameterDefinition> = {
  type: true, value: true, unit: false, minimum: false, maximum: false, enum: false, description: true, source: false, notPublished: false, meta: false,
};
const leaf: Members<LeafCondition> = { fact: true, path: false, operator: true, value: true, priority: false, name: false, params: false, meta: false };
const rule: Members<RuleDefinition> = { name: true, source: true, priority: false, conditions: true, event: true, message: false, meta: false };
const source: Members<PackSource> = { id: true, document: true, clause: true, quote: false, headingOnly: false, reading: false, kind: false, meta: false };
const derived: Members<DerivedDefinition> = { name: true, calculator: true, args: true, description: false };
const requires: Members<RequiresDefinition> = { pack: true, as: true, factsFrom: false };
const operators: Record<ConditionOperator, true> = {
  equal: true, notEqual: true, lessThan: true, lessThanInclusive: true, greaterThan: true, greaterThanInclusive: true,
  in: true, notIn: true, contains: true, doesNotContain: true,
};

type ObjectSchema = { properties?: Record<string, unknown>; required?: string[]; items?: ObjectSchema };
const s = schema as unknown as ObjectSchema & { $defs: Record<string, ObjectSchema & { enum?: string[] }> };
const shapeOf = (o: ObjectSchema) => Object.fromEntries(Object.keys(o.properties ?? {}).map((k) => [k, (o.required ?? []).includes(k)]));
const sorted = (o: Record<string, boolean>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('types.ts matches the pack schema', () => {
  it.each([
    ['RulePackDocument', pack, s],
    ['ParameterDefinition', parameter, s.$defs.parameter!],
    ['LeafCondition', leaf, s.$defs.leafCondition!],
    ['RuleDefinition', rule, s.$defs.rule!],
    ['PackSource', source, (s.properties!.sources as ObjectSchema).items!],
    ['DerivedDefinition', derived, (s.properties!.derived as ObjectSchema).items!],
    ['RequiresDefinition', requires, (s.properties!.requires as ObjectSchema).items!],
  ] as const)('%s: the same members, the same required', (_name, members, objectSchema) => {
    expect(sorted(members as Record<string, boolean>)).toEqual(sorted(shapeOf(objectSchema)));
  });

  it('ConditionOperator: the schema’s operators', () => {
    // The schema's pattern: optional decorators, then one of the operators.
    const pattern = (s.$defs.operator as { pattern: string }).pattern;
    const names = /\(((?:[a-zA-Z]+\|)+[a-zA-Z]+)\)\$$/.exec(pattern)![1]!.split('|');
    expect(Object.keys(operators).sort()).toEqual(names.sort());
  });
});
