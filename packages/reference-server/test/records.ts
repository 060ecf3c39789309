/** A decision record for storage and log tests: fixed times, pack and hash, with the fields a test cares about. */
import type { NewDecisionRecord } from '../src/storage/types.js';

/**
 * @param decisionId - the record's id
 * @param fields - fields to set (facts, outcome, parameters…); empty objects otherwise
 * @example
 * ```ts
 * await storage.appendDecisions([decisionRecord('a', { facts: { n: 1 } })]);
 * ```
 */
export function decisionRecord(decisionId: string, fields: Partial<NewDecisionRecord> = {}): NewDecisionRecord {
  return {
    decisionId,
    recordedAt: '2026-01-01T00:00:00.000Z',
    pack: 'p',
    version: '1.0.0',
    packHash: 'sha256:00',
    asOf: '2026-01-01T00:00:00.000Z',
    parameters: {},
    facts: {},
    outcome: {},
    decision: {} as NewDecisionRecord['decision'],
    ...fields,
  };
}
