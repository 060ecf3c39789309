/**
 * Static checks at load: a condition's value against its fact's schema (type, enum, range, contradictions in one
 * `all`), references' types, every rule's literal outcome merged with the default against the outcome schema, and
 * inherited names that are no parameter. Each is refused by `validatePack` and `loadPack` alike.
 */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { PackValidationError } from './errors.js';
import { loadPack, validatePack } from './pack.js';
import type { Problem, RulePackDocument } from './types.js';

type Doc = RulePackDocument & { facts: { properties: Record<string, unknown> } };
const severity = (): Doc => {
  const doc = JSON.parse(JSON.stringify(severityFixture)) as Doc;
  doc.facts.properties.mediaExposure = { enum: ['none', 'local', 'published'], default: 'none' };
  doc.facts.properties.claimLines = { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer', maximum: 99 } } } };
  return doc;
};
const leafOf = (doc: Doc, rule: number): Record<string, unknown> => (doc.rules[rule]!.conditions as { all: Array<Record<string, unknown>> }).all[0]!;
const setLeaf = (doc: Doc, rule: number, leaf: Record<string, unknown>): Doc => {
  (doc.rules[rule]!.conditions as { all: unknown[] }).all[0] = leaf;
  return doc;
};

/** The problems of a document, after checking that loadPack refuses it with the same ones. */
function problemsOf(doc: Doc): Problem[] {
  const problems = validatePack(doc);
  let thrown: unknown;
  try {
    loadPack(doc);
  } catch (error) {
    thrown = error;
  }
  if (problems.length > 0) expect((thrown as PackValidationError).problems).toEqual(problems);
  return problems;
}

describe('a condition value against its fact schema', () => {
  it('refuses a string compared with greaterThanInclusive on an integer fact (it can never hold)', () => {
    const doc = severity();
    leafOf(doc, 0).value = 'one';
    expect(problemsOf(doc)).toEqual([
      expect.objectContaining({ path: '/rules/0/conditions/all/0/value', code: 'TYPE_MISMATCH', expected: 'integer', found: 'one' }),
    ]);
  });

  it('refuses a value outside the fact enum, with the closest allowed value as suggestion', () => {
    const doc = setLeaf(severity(), 0, { fact: 'mediaExposure', operator: 'equal', value: 'publshed' });
    expect(problemsOf(doc)).toEqual([
      expect.objectContaining({
        path: '/rules/0/conditions/all/0/value',
        code: 'UNKNOWN_ENUM_VALUE',
        found: 'publshed',
        expected: ['none', 'local', 'published'],
        suggestion: 'published',
      }),
    ]);
  });

  it('checks each member of an in list and of a someValue list', () => {
    const doc = setLeaf(severity(), 0, { fact: 'mediaExposure', operator: 'in', value: ['local', 'publsihed'] });
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/0/conditions/all/0/value/1', code: 'UNKNOWN_ENUM_VALUE', suggestion: 'published' })]);
    const some = setLeaf(severity(), 0, { fact: 'casualties', operator: 'someValue:equal', value: [1, 'two'] });
    expect(problemsOf(some)).toEqual([expect.objectContaining({ path: '/rules/0/conditions/all/0/value/1', code: 'TYPE_MISMATCH', found: 'two' })]);
  });

  it('refuses a threshold outside the fact range, so the rule is unreachable', () => {
    const doc = severity();
    leafOf(doc, 0).operator = 'lessThan';
    leafOf(doc, 0).value = 0;
    expect(problemsOf(doc)).toEqual([
      expect.objectContaining({ path: '/rules/0/conditions/all/0/value', code: 'UNREACHABLE_CONDITION', expected: '>= 0', found: 0 }),
    ]);
    const above = setLeaf(severity(), 0, { fact: 'claimLines', path: '0.qty', operator: 'greaterThan', value: 99 });
    expect(problemsOf(above)).toEqual([expect.objectContaining({ code: 'UNREACHABLE_CONDITION', expected: '<= 99' })]);
  });

  it('accepts thresholds at the edge of the range (they can hold)', () => {
    const doc = severity();
    leafOf(doc, 0).operator = 'lessThanInclusive';
    leafOf(doc, 0).value = 0;
    const edge = setLeaf(severity(), 1, { fact: 'claimLines', path: '0.qty', operator: 'greaterThanInclusive', value: 99 });
    expect(problemsOf(doc)).toEqual([]);
    expect(problemsOf(edge)).toEqual([]);
  });

  it('refuses conditions of one all that contradict each other, at the group', () => {
    const doc = severity();
    (doc.rules[0]!.conditions as { all: unknown[] }).all = [
      { fact: 'casualties', operator: 'greaterThanInclusive', value: 5 },
      { fact: 'casualties', operator: 'lessThan', value: 3 },
    ];
    expect(problemsOf(doc)).toEqual([
      expect.objectContaining({ path: '/rules/0/conditions', code: 'UNREACHABLE_CONDITION', found: ['/rules/0/conditions/all/0', '/rules/0/conditions/all/1'] }),
    ]);
    (doc.rules[0]!.conditions as { all: unknown[] }).all = [
      { fact: 'casualties', operator: 'greaterThanInclusive', value: 3 },
      { fact: 'casualties', operator: 'lessThanInclusive', value: 3 },
      { fact: 'breakdown', operator: 'equal', value: true },
    ];
    expect(problemsOf(doc)).toEqual([]);
  });

  it('refuses contains on a fact that is not a list', () => {
    const doc = setLeaf(severity(), 0, { fact: 'mediaExposure', operator: 'contains', value: 'local' });
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/0/conditions/all/0/operator', code: 'TYPE_MISMATCH', expected: 'array' })]);
  });
});

describe('references against the compared fact', () => {
  it('refuses a fact reference of another type', () => {
    const doc = setLeaf(severity(), 0, { fact: 'casualties', operator: 'equal', value: { fact: 'breakdown' } });
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/0/conditions/all/0/value', code: 'TYPE_MISMATCH', found: 'boolean' })]);
  });

  it('refuses a parameter of another type and the context compared with a number', () => {
    const doc = severity();
    doc.parameters!.level2ClaimYuan!.type = 'string';
    doc.parameters!.level2ClaimYuan!.value = '50000';
    delete doc.parameters!.level2ClaimYuan!.minimum;
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/1/conditions/all/0/value', code: 'TYPE_MISMATCH', found: 'string' })]);
    const context = setLeaf(severity(), 0, { fact: 'casualties', operator: 'greaterThan', value: { context: 'asOfDate' } });
    expect(problemsOf(context)).toEqual([expect.objectContaining({ code: 'TYPE_MISMATCH', found: 'string' })]);
  });

  it('accepts a number parameter against an integer fact', () => {
    const doc = setLeaf(severity(), 0, { fact: 'casualties', operator: 'greaterThan', value: { param: 'level3ClaimYuan' } });
    expect(problemsOf(doc)).toEqual([]);
  });

  it.each(['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])('refuses the inherited name %s as an unknown parameter', (name) => {
    const doc = severity();
    leafOf(doc, 1).value = { param: name };
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/1/conditions/all/0/value/param', code: 'UNKNOWN_PARAMETER', found: name })]);
    doc.rules[0]!.event.params = { class: 'major', level: { param: name } };
    expect(problemsOf(doc).map((p) => p.path)).toContain('/rules/0/event/params/level/param');
  });

  it.each(['__proto__', 'constructor'])('refuses %s as a parameter name (the pack format forbids it)', (name) => {
    const doc = severity();
    leafOf(doc, 1).value = { param: name };
    expect(problemsOf(doc).map((p) => p.path)).toContain('/rules/1/conditions/all/0/value/param');
  });
});

describe('literal outcomes against the outcome schema at load', () => {
  it('refuses an event param that breaks the outcome schema (it would fail only when the rule fires)', () => {
    const doc = severity();
    doc.rules[2]!.event.params = { class: 'major', level: '3' };
    expect(problemsOf(doc)).toEqual([
      expect.objectContaining({ path: '/rules/2/event/params/level', code: 'INVALID_OUTCOME', found: '3', expected: [1, 2, 3, null] }),
    ]);
  });

  it('checks the default outcome when no rule fires, at /default', () => {
    const doc = severity();
    doc.default = { class: 'ordinary', level: null };
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/default/class', code: 'INVALID_OUTCOME', found: 'ordinary' })]);
  });

  it('merges with the default as the hit policy does: a required property the rule leaves out is taken from the default', () => {
    const doc = severity();
    doc.rules[0]!.event.params = { class: 'major' };
    expect(problemsOf(doc)).toEqual([]);
    delete (doc.default as Record<string, unknown>).level;
    expect(problemsOf(doc)).toContainEqual(expect.objectContaining({ path: '/default', code: 'INVALID_OUTCOME', message: expect.stringContaining("required property 'level'") }));
  });

  it('leaves a value known only at run time (a fact reference) to the run-time check; a parameter is checked with its value', () => {
    const doc = severity();
    doc.rules[0]!.event.params = { class: 'major', level: { fact: 'casualties' } };
    expect(problemsOf(doc)).toEqual([]);
    doc.rules[0]!.event.params = { class: 'major', level: { param: 'level2ClaimYuan' } };
    expect(problemsOf(doc)).toEqual([expect.objectContaining({ path: '/rules/0/event/params/level', code: 'INVALID_OUTCOME', found: 50000 })]);
  });
});
