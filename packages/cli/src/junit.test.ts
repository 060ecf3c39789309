/**
 * Tests of the JUnit writer's escaping and counts (the schema check of real output, with xmllint, is in test/test-reports.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '@aftersales/core';
import { escapeXml, renderJunit } from './junit.js';

describe('renderJunit', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b & "c" 'd'>\u0001`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });

  it('counts tests and failures per suite and in total', () => {
    const report: SuiteReport = {
      pack: 'p',
      version: '1.0.0',
      passed: 1,
      failed: 1,
      errors: 0,
      durationMs: 3,
      coverage: { percent: 50, covered: 1, total: 2, missing: ['rule r: never fired'] },
      cases: [
        { name: 'ok <1>', status: 'pass', durationMs: 1, failures: [], expected: {}, actual: {} },
        { name: 'bad', status: 'fail', durationMs: 2, failures: ['outcome.level: expected 2, got 3'], expected: { outcome: { level: 2 } }, actual: { level: 3 } },
      ],
    };
    const xml = renderJunit([report], '2026-01-15T10:00:00');
    expect(xml).toContain('<testsuites name="aftersales" tests="2" failures="1" errors="0" time="0.003000">');
    expect(xml).toContain('<testsuite name="p@1.0.0" id="0" tests="2" failures="1" errors="0"');
    expect(xml).toContain('<testcase name="ok &lt;1&gt;" classname="p@1.0.0" time="0.001000"/>');
    expect(xml).toContain('<failure message="outcome.level: expected 2, got 3" type="AssertionError">');
    expect(xml).toContain('<system-out>coverage missing:\nrule r: never fired</system-out>');
  });

  it('writes an engine error as <error> with its code, and an unloadable pack as a suite of one <error> case', () => {
    const report: SuiteReport = {
      ...{ pack: 'p', version: '2.0.0', passed: 0, failed: 1, errors: 1, durationMs: 1 },
      coverage: { percent: 0, covered: 0, total: 2, missing: [] },
      cases: [
        { name: 'words', status: 'fail', durationMs: 1, failures: ['error: expected a decision, got INVALID_FACTS (bad)'], expected: { outcome: { level: 2 } }, actual: { error: 'INVALID_FACTS' }, error: { code: 'INVALID_FACTS', message: 'bad' } },
      ],
    };
    const xml = renderJunit([{ ...report, packFile: 'p/pack.json' }], '2026-01-15T10:00:00', [
      { name: 'q/pack.json', file: 'q/pack.json', code: 'INVALID_PACK', message: 'q/pack.json: invalid pack', details: ['q/pack.json:3:5 /id must match pattern [schema.pattern]'] },
    ]);
    expect(xml).toContain('<testsuites name="aftersales" tests="2" failures="0" errors="2"');
    expect(xml).toContain('<testsuite name="p@2.0.0" id="0" tests="1" failures="0" errors="1"');
    expect(xml).toContain('<property name="pack.file" value="p/pack.json"/>');
    expect(xml).toContain('<error message="INVALID_FACTS: bad" type="INVALID_FACTS">');
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<testsuite name="q/pack.json" id="1" tests="1" failures="0" errors="1"');
    expect(xml).toContain('<error message="q/pack.json: invalid pack" type="INVALID_PACK">q/pack.json:3:5 /id must match pattern [schema.pattern]</error>');
  });
});
