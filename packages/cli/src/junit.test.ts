/**
 * Tests of the JUnit writer's escaping and counts (the schema check of real output is in test/cli.test.ts).
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
    expect(xml).toContain('<testcase name="ok &lt;1&gt;" classname="p" time="0.001000"/>');
    expect(xml).toContain('<failure message="outcome.level: expected 2, got 3" type="AssertionError">');
    expect(xml).toContain('<system-out>coverage missing:\nrule r: never fired</system-out>');
  });
});
