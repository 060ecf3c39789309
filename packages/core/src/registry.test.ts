/** Packs that require other packs: resolution through a registry, outcomes as facts, errors and cycles. */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { FactValidationError, PackValidationError } from './errors.js';
import { testPackHeader, thrownBy } from './test-pack.fixture.js';
import { loadPack, validatePack } from './pack.js';
import { loadPacks, PackRegistry } from './registry.js';
import type { RulePackDocument } from './types.js';

const asOf = '2026-03-01T09:00:00+08:00';
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const severity = () => clone(severityFixture) as unknown as RulePackDocument;

describe('composition', () => {
  function escalation(): RulePackDocument {
    return {
      ...testPackHeader('mini-escalation', { source: 'HC', from: '2020-01-01' }),
      requires: [{ pack: 'mini-severity', as: 'severity', factsFrom: 'severityFacts' }],
      facts: {
        type: 'object',
        properties: {
          level: { type: ['integer', 'null'], default: null },
          receivedAt: { type: 'string', format: 'date-time' },
          severityFacts: { type: 'object' },
        },
        required: ['receivedAt'],
      },
      derived: [
        { name: 'effectiveLevel', calculator: 'coalesce', args: { values: [{ fact: 'level' }, { fact: 'severity', path: 'level' }] } },
        { name: 'onSiteDue', calculator: 'end-of-local-day', args: { value: { fact: 'receivedAt' } } },
      ],
      rules: [
        {
          name: 'level-1',
          source: 'HC §4',
          priority: 10,
          conditions: { all: [{ fact: 'effectiveLevel', operator: 'equal', value: 1 }] },
          event: { type: 'act', params: { lead: 'quality-assurance', actions: [{ id: 'qa-technical-support', dueAt: { fact: 'onSiteDue' } }] } },
        },
        {
          name: 'any-major',
          source: 'HC §4',
          conditions: { all: [{ fact: 'effectiveLevel', operator: 'in', value: [1, 2, 3] }] },
          event: { type: 'act', params: { lead: 'after-sales', actions: [{ id: 'daily-major-report', dueAt: null }] } },
        },
      ],
      default: { lead: 'after-sales', actions: [] },
      outcome: { type: 'object', required: ['lead', 'actions'] },
    };
  }

  it('uses the required pack’s outcome as a fact, resolving references in event params', async () => {
    const registry = loadPacks([escalation(), severity()]);
    const pack = registry.get('mini-escalation')!;
    const decision = await pack.evaluate({ receivedAt: '2026-03-01T17:30:00Z', severityFacts: { casualties: 2 } }, { asOf });
    expect(decision.derived.severity).toEqual({ class: 'major', level: 1 });
    expect(decision.outcome).toEqual({
      lead: 'quality-assurance',
      actions: [
        { id: 'qa-technical-support', dueAt: '2026-03-02T23:59:59.999+08:00' },
        { id: 'daily-major-report', dueAt: null },
      ],
    });
  });

  it('invalid facts of the required pack are reported under the factsFrom pointer', async () => {
    const pack = loadPacks([severity(), escalation()]).get('mini-escalation')!;
    await expect(pack.evaluate({ receivedAt: '2026-03-01T17:30:00Z', severityFacts: { casualties: -1 } }, { asOf })).rejects.toMatchObject({
      code: 'INVALID_FACTS',
      problems: [{ path: '/severityFacts/casualties', code: 'schema.minimum' }],
    });
  });

  it('an unresolved requires is a load problem; a cycle is rejected with its path', () => {
    expect(() => loadPack(escalation())).toThrow(/required pack "mini-severity" is not in the registry/);
    const a = escalation();
    const b = severity() as RulePackDocument;
    b.requires = [{ pack: 'mini-escalation', as: 'esc' }];
    const error = thrownBy<PackValidationError>(() => loadPacks([a, b]));
    expect(error?.problems[0]).toMatchObject({ code: 'REQUIRES_CYCLE' });
    expect(String(error?.problems[0]?.message)).toMatch(/mini-escalation -> mini-severity -> mini-escalation|mini-severity -> mini-escalation -> mini-severity/);
    const self = severity();
    self.requires = [{ pack: 'mini-severity', as: 'me' }];
    expect(validatePack(self, { registry: new PackRegistry() })).toContainEqual(expect.objectContaining({ code: 'REQUIRES_CYCLE', path: '/requires/0/pack' }));
  });

  it('a failed loadPacks leaves the caller’s registry untouched', () => {
    const registry = new PackRegistry();
    const broken = escalation() as unknown as Record<string, unknown>;
    broken.hitPolicy = 'nope';
    expect(() => loadPacks([severity(), broken], { registry })).toThrow(PackValidationError);
    expect(registry.list()).toEqual([]);
  });
});
