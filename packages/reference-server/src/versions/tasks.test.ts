/** The upload's suite check accepts the suites the project ships and names what a hand-edited suite gets wrong. */
import { describe, expect, it } from 'vitest';
import { bundledPackIds } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { suiteProblems } from './tasks.js';

describe('the uploaded suite check', () => {
  it.each(bundledPackIds)('accepts the bundled suite of %s as shipped, $schema included', (id) => {
    const suite = getSuite(id) as unknown as Record<string, unknown>;
    expect(suite.$schema).toEqual(expect.any(String));
    expect(suiteProblems(suite, id)).toEqual([]);
  });

  it('refuses a key the suite format does not have, at its pointer', () => {
    expect(suiteProblems({ pack: 'p', cases: [{ name: 'a', facts: {}, expect: {} }], extra: 1 }, 'p')).toContainEqual(
      expect.objectContaining({ path: '/suite/extra', code: 'schema.additionalProperties' }),
    );
  });
});
