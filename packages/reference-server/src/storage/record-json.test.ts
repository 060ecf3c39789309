/**
 * Tests of the record JSON cache: an attached text is used, an absent one falls back to `JSON.stringify`, and
 * the array text parses to the records.
 */
import { describe, expect, it } from 'vitest';
import { recordJson, recordsJson, withRecordJson } from './record-json.js';
import type { NewDecisionRecord } from './types.js';

const record = (id: string): NewDecisionRecord =>
  ({ decisionId: id, recordedAt: '2026-01-01T00:00:00.000Z', pack: 'p', version: '1.0.0', packHash: 'sha256:x', asOf: '2026-01-01T00:00:00.000Z',
    parameters: {}, facts: { a: 1 }, outcome: { ok: true }, decision: {} }) as unknown as NewDecisionRecord;

describe('record JSON', () => {
  it('falls back to JSON.stringify', () => {
    const r = record('a');
    expect(recordJson(r)).toBe(JSON.stringify(r));
    expect(JSON.parse(recordsJson([r, record('b')]))).toEqual([r, record('b')]);
  });
  it('uses the attached text', () => {
    const r = withRecordJson(record('a'), '{"decisionId":"attached"}');
    expect(recordJson(r)).toBe('{"decisionId":"attached"}');
    expect(JSON.parse(recordsJson([r]))).toEqual([{ decisionId: 'attached' }]);
    expect(JSON.parse(recordsJson([record('b'), r]))).toEqual([JSON.parse(JSON.stringify(record('b'))), { decisionId: 'attached' }]);
  });
});
