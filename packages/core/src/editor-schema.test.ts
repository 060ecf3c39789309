import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import severityFixture from '../test/fixtures/severity.pack.json';
import { editorSchema } from './editor-schema.js';
import { loadPack } from './pack.js';
import { cloneJson } from './json.js';

type Doc = Record<string, any>;
const pack = loadPack(severityFixture);
const schema = editorSchema(pack);
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);
const errorsOf = (doc: Doc) => (validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));
const leaf = (doc: Doc) => doc.rules.flatMap((r: Doc) => r.conditions.all ?? r.conditions.any ?? []).find((c: Doc) => 'fact' in c) as Doc;

describe('editorSchema', () => {
  it('compiles as JSON Schema 2020-12 and accepts the pack it was made from', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://aftersales.dev/schema/packs/${pack.id}.schema.json`);
    expect(errorsOf(cloneJson(severityFixture))).toEqual([]);
  });

  it('lists the pack fact names and refuses one the pack does not have', () => {
    const names = (schema.$defs as Doc).factName.enum as string[];
    expect(names).toEqual(expect.arrayContaining(Object.keys(severityFixture.facts.properties)));
    const doc = cloneJson(severityFixture) as Doc;
    leaf(doc).fact = `${leaf(doc).fact}x`;
    expect(errorsOf(doc).some((e) => e.includes('/fact must be equal to one of the allowed values'))).toBe(true);
  });

  it('lists the pack parameter names for param and refuses a misspelt one', () => {
    const doc = cloneJson(severityFixture) as Doc;
    const params = Object.keys(doc.parameters ?? {});
    expect(params.length).toBeGreaterThan(0);
    expect((schema.$defs as Doc).reference.properties.param.enum).toEqual(params);
    const withParam = doc.rules.flatMap((r: Doc) => r.conditions.all ?? r.conditions.any ?? []).find((c: Doc) => c.value?.param);
    withParam.value.param = `${withParam.value.param}Typo`;
    expect(errorsOf(doc).some((e) => e.includes('/value/param must be equal to one of the allowed values'))).toBe(true);
  });

  it('checks a condition on an enum fact against the fact enum values', () => {
    const doc = cloneJson(severityFixture) as Doc;
    doc.facts.properties.channel = { enum: ['store', 'online', 'phone'] };
    const [name, factSchema] = ['channel', doc.facts.properties.channel as Doc] as const;
    const check = new Ajv2020({ strict: false, validateFormats: false }).compile(editorSchema(loadPack(doc)));
    const errorsOf = (d: Doc) => (check(d) ? [] : check.errors!.map((e) => `${e.instancePath} ${e.message}`));
    doc.rules[0].conditions = { all: [{ fact: name, operator: 'equal', value: factSchema.enum[0] }] };
    expect(errorsOf(doc)).toEqual([]);
    doc.rules[0].conditions.all[0].value = `${String(factSchema.enum[0])}-not-a-value`;
    expect(errorsOf(doc).some((e) => e.startsWith('/rules/0/conditions/all/0/value'))).toBe(true);
    doc.rules[0].conditions.all[0] = { fact: name, operator: 'in', value: factSchema.enum.slice(0, 2) };
    expect(errorsOf(doc)).toEqual([]);
  });

  it('lists fact paths: an enum when the fact schema closes every object, suggestions otherwise', () => {
    const doc = cloneJson(severityFixture) as Doc;
    doc.facts.properties.vehicle = {
      type: 'object',
      additionalProperties: false,
      properties: { model: { enum: ['a', 'b'] }, engine: { type: 'object', additionalProperties: false, properties: { kw: { type: 'number' } } } },
    };
    doc.facts.properties.extra = { type: 'object', properties: { note: { type: 'string' } } };
    const s = editorSchema(loadPack(doc)) as Doc;
    const cases = s.$defs.leafCondition.allOf as Doc[];
    const vehicle = cases.find((c) => c.if.properties.fact.const === 'vehicle')!;
    expect(vehicle.then.properties.path.enum).toEqual(['model', 'engine', 'engine.kw']);
    const extra = cases.find((c) => c.if.properties.fact.const === 'extra')!;
    expect(extra.then.properties.path).toEqual({ examples: ['note'] });
    const check = new Ajv2020({ strict: false, validateFormats: false }).compile(s);
    doc.rules[0].conditions = { all: [{ fact: 'vehicle', path: 'engine.kw', operator: 'greaterThan', value: 1 }, { fact: 'extra', path: 'other', operator: 'equal', value: 'x' }] };
    expect(check(doc), JSON.stringify(check.errors)).toBe(true);
    doc.rules[0].conditions.all[0].path = 'engine.kW';
    expect(check(doc)).toBe(false);
    doc.rules[0].conditions.all[0] = { fact: 'vehicle', path: 'model', operator: 'equal', value: 'c' };
    expect(check(doc)).toBe(false);
  });

  it('lists the outcome fields in a rule event params', () => {
    const params = (schema.$defs as Doc).rule.properties.event.properties.params;
    expect(Object.keys(params.properties)).toEqual(Object.keys(severityFixture.outcome.properties));
  });
});
