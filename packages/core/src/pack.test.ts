import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import {
  AftersalesError,
  FactValidationError,
  OutcomeValidationError,
  PackNotEffectiveError,
  PackValidationError,
  ParameterValidationError,
  RuleConflictError,
} from './errors.js';
import { hashPack } from './canonical.js';
import { loadPack, validatePack } from './pack.js';
import { testPackHeader, thrownBy } from './test-pack.fixture.js';
import type { RulePackDocument } from './types.js';

const asOf = '2026-03-01T09:00:00+08:00';
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const severity = () => clone(severityFixture) as unknown as RulePackDocument;

/** A small pack with two overlapping rules, to exercise each hit policy. */
function bands(hitPolicy: 'first' | 'collect' | 'unique'): RulePackDocument {
  return {
    ...testPackHeader('bands', { hitPolicy, source: 'T' }),
    effective: { from: '2026-01-01', to: '2026-12-31' },
    facts: { type: 'object', properties: { x: { type: 'number', default: 0 } } },
    rules: [
      { name: 'low', source: 'T 1', priority: 1, conditions: { all: [{ fact: 'x', operator: 'greaterThanInclusive', value: 10 }] }, event: { type: 'band', params: { band: 'low', tags: ['low', 'any'] } } },
      { name: 'high', source: 'T 1', priority: 5, conditions: { all: [{ fact: 'x', operator: 'greaterThanInclusive', value: 20 }] }, event: { type: 'band', params: { band: 'high', tags: ['high', 'any'] } } },
      { name: 'high-too', source: 'T 1', priority: 5, conditions: { all: [{ fact: 'x', operator: 'greaterThanInclusive', value: 30 }] }, event: { type: 'band', params: { band: 'very-high' } } },
    ],
    default: { band: 'none', tags: [] },
    outcome: { type: 'object', properties: { band: { type: 'string' }, tags: { type: 'array' } }, required: ['band'] },
  };
}

describe('hit policies', () => {
  it('first: the highest priority wins, ties by document order', async () => {
    const pack = loadPack(bands('first'));
    expect((await pack.evaluate({ x: 25 }, { asOf })).outcome.band).toBe('high');
    expect((await pack.evaluate({ x: 35 }, { asOf })).outcome.band).toBe('high');
    expect((await pack.evaluate({ x: 35 }, { asOf })).fired.map((f) => f.rule)).toEqual(['high', 'high-too', 'low']);
    expect((await pack.evaluate({ x: 5 }, { asOf })).outcome).toEqual({ band: 'none', tags: [] });
  });

  it('collect: arrays concatenated without duplicates, scalars from the first rule that sets them', async () => {
    const pack = loadPack(bands('collect'));
    const decision = await pack.evaluate({ x: 25 }, { asOf });
    expect(decision.outcome).toEqual({ band: 'high', tags: ['high', 'any', 'low'] });
  });

  it('unique: one rule is fine, two throw RULE_CONFLICT naming them', async () => {
    const pack = loadPack(bands('unique'));
    expect((await pack.evaluate({ x: 15 }, { asOf })).outcome.band).toBe('low');
    await expect(pack.evaluate({ x: 25 }, { asOf })).rejects.toThrow(RuleConflictError);
    await expect(pack.evaluate({ x: 25 }, { asOf })).rejects.toMatchObject({ code: 'RULE_CONFLICT', rules: ['high', 'low'] });
  });
});

describe('parameters', () => {
  it('an override changes the threshold for that evaluation only and is recorded', async () => {
    const pack = loadPack(severity());
    const raised = await pack.evaluate({ claimAmountYuan: 50000 }, { asOf, parameters: { level2ClaimYuan: 80000 } });
    expect(raised.outcome).toEqual({ class: 'major', level: 3 });
    expect(raised.parameters).toEqual({ level2ClaimYuan: 80000 });
    const normal = await pack.evaluate({ claimAmountYuan: 50000 }, { asOf });
    expect(normal.outcome).toEqual({ class: 'major', level: 2 });
  });

  it('overrides are validated against the parameter type and range', async () => {
    const pack = loadPack(severity());
    const attempt = pack.evaluate({}, { asOf, parameters: { level2ClaimYuan: '80000', level3ClaimYuan: -1, unknown: 1 } });
    await expect(attempt).rejects.toThrow(ParameterValidationError);
    try {
      await pack.evaluate({}, { asOf, parameters: { level2ClaimYuan: '80000', level3ClaimYuan: -1, unknown: 1 } });
    } catch (error) {
      const e = error as ParameterValidationError;
      expect(e.code).toBe('INVALID_PARAMETERS');
      expect(e.problems.map((p) => [p.path, p.code])).toEqual([
        ['/level2ClaimYuan', 'schema.type'],
        ['/level3ClaimYuan', 'schema.minimum'],
        ['/unknown', 'UNKNOWN_PARAMETER'],
      ]);
    }
  });

  it('a parameter whose own value breaks its type is a pack problem', () => {
    const doc = severity();
    doc.parameters!.level2ClaimYuan!.value = -5;
    expect(validatePack(doc)).toContainEqual(expect.objectContaining({ path: '/parameters/level2ClaimYuan/value', code: 'schema.minimum' }));
  });
});

describe('facts', () => {
  it('defaults apply and the caller’s object is not modified', async () => {
    const pack = loadPack(severity());
    const facts = { claimAmountYuan: 10000 };
    const decision = await pack.evaluate(facts, { asOf });
    expect(facts).toEqual({ claimAmountYuan: 10000 });
    expect(decision.explanation[0]?.conditions[0]?.factValue).toBe(0);
  });

  it('invalid facts throw INVALID_FACTS with a pointer, expected and found', async () => {
    const pack = loadPack(severity());
    await expect(pack.evaluate({ casualties: 1.5 }, { asOf })).rejects.toMatchObject({
      code: 'INVALID_FACTS',
      problems: [{ path: '/casualties', code: 'schema.type', expected: 'integer', found: 1.5 }],
    });
    await expect(pack.evaluate(null, { asOf })).rejects.toThrow(FactValidationError);
    await expect(pack.evaluate([1], { asOf })).rejects.toThrow(FactValidationError);
  });
});

describe('explanation', () => {
  it('marks a condition that was never evaluated as not-evaluated', async () => {
    const pack = loadPack(severity());
    const decision = await pack.evaluate({ breakdown: true }, { asOf });
    const level3 = decision.explanation.find((r) => r.rule === 'level-3')!;
    expect(level3.fired).toBe(true);
    expect(level3.conditions[0]).toMatchObject({ fact: 'breakdown', result: true, factValue: true });
    expect(level3.conditions[1]).toMatchObject({ fact: 'claimAmountYuan', param: 'level3ClaimYuan', value: 10000, result: 'not-evaluated' });
    expect(level3.conditions[1]).not.toHaveProperty('factValue');
  });

  it('records the value seen for failed conditions and interpolates messages', async () => {
    const pack = loadPack(severity());
    const decision = await pack.evaluate({ claimAmountYuan: 49999 }, { asOf });
    const level2 = decision.explanation.find((r) => r.rule === 'level-2-claim')!;
    expect(level2.conditions[0]).toMatchObject({ result: false, factValue: 49999, value: 50000 });
    expect(decision.outcome.level).toBe(3);
    const general = await pack.evaluate({}, { asOf });
    expect(general.messages).toEqual({ zh: '一般质量信息', en: 'General quality information' });
    const level2Decision = await pack.evaluate({ claimAmountYuan: 50000 }, { asOf });
    expect(level2Decision.messages.en).toBe('Level 2 major quality information');
  });

  it('explain: false leaves the explanation out', async () => {
    const pack = loadPack(severity());
    expect((await pack.evaluate({}, { asOf, explain: false })).explanation).toEqual([]);
  });
});

describe('determinism and time', () => {
  it('two evaluations of the same input serialise identically', async () => {
    const pack = loadPack(severity());
    const a = await pack.evaluate({ claimAmountYuan: 12000, breakdown: true }, { asOf, parameters: { level3ClaimYuan: 20000 } });
    const b = await pack.evaluate({ breakdown: true, claimAmountYuan: 12000 }, { asOf, parameters: { level3ClaimYuan: 20000 } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.packHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the pack hash ignores key order but not content', () => {
    const doc = severity();
    const reordered = clone(Object.fromEntries(Object.entries(doc).reverse()));
    expect(loadPack(reordered).packHash).toBe(loadPack(doc).packHash);
    doc.parameters!.level2ClaimYuan!.value = 60000;
    expect(loadPack(doc).packHash).not.toBe(loadPack(reordered).packHash);
  });

  it('asOf is required and must carry an offset; a Date is accepted', async () => {
    const pack = loadPack(severity());
    await expect(pack.evaluate({}, { asOf: '2026-03-01T09:00:00' })).rejects.toMatchObject({ code: 'INVALID_AS_OF' });
    await expect(pack.evaluate({}, {} as never)).rejects.toBeInstanceOf(AftersalesError);
    expect((await pack.evaluate({}, { asOf: new Date('2026-03-01T01:00:00Z') })).asOf).toBe('2026-03-01T01:00:00.000Z');
  });

  it('a Date or an instant outside the years 0000 to 9999 (in the pack zone) is refused, not decided', async () => {
    const pack = loadPack(bands('first'));
    // Found by packages/rules/test/hostile.property.test.ts: such a Date used to pass the effective check and be decided.
    await expect(pack.evaluate({}, { asOf: new Date('-000001-12-31T23:59:59.999Z') })).rejects.toMatchObject({ code: 'INVALID_AS_OF' });
    await expect(pack.evaluate({}, { asOf: new Date(8.64e15) })).rejects.toMatchObject({ code: 'INVALID_AS_OF' });
    const late = loadPack({ ...bands('first'), effective: { from: '2026-01-01' }, timeZone: 'Pacific/Kiritimati' });
    await expect(late.evaluate({}, { asOf: '9999-12-31T23:00:00Z' })).rejects.toMatchObject({ code: 'INVALID_AS_OF', problems: [{ path: '/asOf' }] });
    expect((await late.evaluate({}, { asOf: '9999-12-31T09:00:00Z' })).outcome.band).toBe('none');
  });

  it('the effective period is checked on the local date of asOf', async () => {
    const pack = loadPack(bands('first'));
    await expect(pack.evaluate({}, { asOf: '2025-12-31T15:59:59Z' })).rejects.toThrow(PackNotEffectiveError);
    expect((await pack.evaluate({}, { asOf: '2025-12-31T16:00:00Z' })).outcome.band).toBe('none');
    await expect(pack.evaluate({}, { asOf: '2026-12-31T16:00:00Z' })).rejects.toMatchObject({ code: 'NOT_EFFECTIVE' });
  });
});

describe('loading', () => {
  it('reports every problem with a JSON pointer', () => {
    const doc = severity() as unknown as Record<string, any>;
    doc.rules[1].conditions.all[0].value = { param: 'noSuchParam' };
    doc.rules[2].name = 'level-2-claim';
    doc.rules[0].conditions.all[0].fact = 'noSuchFact';
    doc.rules[0].conditions.all[0].path = 'a.__proto__';
    doc.derived = [{ name: 'd', calculator: 'no-such', args: {} }];
    const error = thrownBy<PackValidationError>(() => loadPack(doc));
    expect(error).toBeInstanceOf(PackValidationError);
    expect(error!.code).toBe('INVALID_PACK');
    const found = error!.problems.map((p) => `${p.code} ${p.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'UNKNOWN_PARAMETER /rules/1/conditions/all/0/value/param',
        'DUPLICATE_RULE /rules/2/name',
        'UNKNOWN_FACT /rules/0/conditions/all/0/fact',
        'UNSAFE_PATH /rules/0/conditions/all/0/path',
        'UNKNOWN_CALCULATOR /derived/0/calculator',
      ]),
    );
  });

  it('refuses an empty reference path in an event param, as the format refuses it in conditions', () => {
    const doc = severity() as unknown as Record<string, any>;
    doc.rules[0].event.params.level = { fact: 'claimAmountYuan', path: '' };
    const error = thrownBy<PackValidationError>(() => loadPack(doc));
    expect(error).toBeInstanceOf(PackValidationError);
    expect(error!.problems).toContainEqual(expect.objectContaining({ path: '/rules/0/event/params/level/path', code: 'UNSAFE_PATH', found: '' }));
  });

  it('schema errors say where and what was expected', () => {
    const doc = severity() as unknown as Record<string, any>;
    doc.hitPolicy = 'random';
    delete doc.version;
    const problems = validatePack(doc);
    expect(problems).toContainEqual(expect.objectContaining({ path: '/version', code: 'schema.required' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: '/hitPolicy', code: 'schema.enum', found: 'random' }));
  });

  it('an unknown operator is named, with the pack way to do what it did', () => {
    const doc = severity() as unknown as Record<string, any>;
    doc.rules[0].conditions.all[0].operator = 'matches';
    const problems = validatePack(doc);
    expect(problems).toContainEqual(expect.objectContaining({ path: '/rules/0/conditions/all/0/operator', code: 'UNKNOWN_OPERATOR', found: 'matches' }));
  });

  it('a calculator argument that does not exist or is missing is a problem', () => {
    const doc = severity();
    doc.derived = [{ name: 'age', calculator: 'days-between', args: { from: { fact: 'claimAmountYuan' }, until: 1 } }];
    const codes = validatePack(doc).map((p) => `${p.code} ${p.path}`);
    expect(codes).toEqual(expect.arrayContaining(['MISSING_ARGUMENT /derived/0/args/to', 'UNKNOWN_ARGUMENT /derived/0/args/until']));
  });

  it('the document is copied: later edits to it do not change the pack', async () => {
    const doc = severity();
    const pack = loadPack(doc);
    doc.parameters!.level2ClaimYuan!.value = 1;
    expect((await pack.evaluate({ claimAmountYuan: 2 }, { asOf })).outcome.level).toBeNull();
  });

  it('an outcome that breaks the outcome schema through a fact reference is a pack defect at run time (INVALID_OUTCOME)', async () => {
    const doc = severity();
    doc.rules[0]!.event.params = { class: { fact: 'breakdown' }, level: 1 };
    const pack = loadPack(doc);
    await expect(pack.evaluate({ casualties: 1 }, { asOf })).rejects.toThrow(OutcomeValidationError);
  });
});

describe('validatePack and loadPack judge the same document', () => {
  it('a function, a cycle or a NaN gives the same problems to both (validatePack used to accept a function)', () => {
    const withFunction = severity() as unknown as Record<string, any>;
    withFunction.rules[0].event.params.x = () => 1;
    const withCycle = severity() as unknown as Record<string, any>;
    withCycle.facts.properties.self = withCycle.facts;
    const withNaN = severity() as unknown as Record<string, any>;
    withNaN.parameters.level2ClaimYuan.value = NaN;
    for (const doc of [withFunction, withCycle, withNaN]) {
      let thrown: PackValidationError | undefined;
      try {
        loadPack(doc);
      } catch (e) {
        thrown = e as PackValidationError;
      }
      expect(thrown).toBeInstanceOf(PackValidationError);
      expect(validatePack(doc)).toEqual(thrown!.problems);
    }
  });
});

describe('problem pointers', () => {
  it('escape "/" and "~" in property names, so each pointer resolves (found by the hostile-input properties)', () => {
    const doc = severity() as unknown as Record<string, any>;
    doc['a/b~c'] = 1;
    delete doc.rules[0].source;
    const paths = validatePack(doc).map((p) => p.path);
    expect(paths).toContain('/a~1b~0c');
    expect(paths).toContain('/rules/0/source');
  });
});

describe('matchRules (the compiled rule stage alone)', () => {
  it('fires the same rules as a full evaluation, on prepared facts', async () => {
    const pack = loadPack(severity());
    for (const facts of [{}, { claimAmountYuan: 50000 }, { casualties: 1, breakdown: true }, { claimAmountYuan: 9999 }]) {
      const decision = pack.evaluateSync(facts, { asOf });
      expect(pack.matchRules({ ...pack.validateFacts(facts), ...decision.derived })).toEqual(decision.fired.map((f) => f.rule));
    }
    expect(pack.matchRules({ claimAmountYuan: 50000 }, { level2ClaimYuan: 60000, level3ClaimYuan: 10000 })).toEqual(['level-3']);
  });
});

describe('traceRules (the compiled rule stage with its condition record)', () => {
  it('agrees with the explanation of a full evaluation', () => {
    const pack = loadPack(severity());
    const facts = { breakdown: true, claimAmountYuan: 20000 };
    const decision = pack.evaluateSync(facts, { asOf });
    const traces = pack.traceRules({ ...pack.validateFacts(facts), ...decision.derived });
    expect(traces.map((t) => [t.rule, t.fired])).toEqual(decision.explanation.map((e) => [e.rule, e.fired]));
    traces.forEach((t, i) =>
      t.conditions.forEach((c, j) => {
        const seen = decision.explanation[i]!.conditions[j]!;
        expect(c.result ?? 'not-evaluated').toBe(seen.result);
        if (c.result !== undefined) expect(c.factValue).toEqual(seen.factValue);
      }),
    );
  });
});

describe('knownHash', () => {
  it('a load given the hash the caller computed carries that hash and decides as a load that hashes', async () => {
    const hashed = loadPack(severityFixture);
    expect(hashed.packHash).toBe(hashPack(severityFixture as never));
    const given = loadPack(severityFixture, { knownHash: hashed.packHash });
    expect(given.packHash).toBe(hashed.packHash);
    // The hash given is what the pack names (the caller vouches for it): proof that it was not computed again.
    expect(loadPack(severityFixture, { knownHash: 'sha256:given' }).packHash).toBe('sha256:given');
    const options = { asOf: '2026-03-01T09:00:00+08:00' };
    expect(await given.evaluate({ claimAmountYuan: 60000 }, options)).toEqual(await hashed.evaluate({ claimAmountYuan: 60000 }, options));
  });
});

