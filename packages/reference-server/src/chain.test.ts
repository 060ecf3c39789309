/**
 * Tests of the chain linker: it gives the known-answer hashes of a two-record chain written by the server before
 * it used core's record hash (the first is core's record-hash vector), so logs stored earlier still verify; and
 * a record's stored column texts are the canonical JSON of its fields.
 */
import { canonicalJson, GENESIS_HASH, hashRecord } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { linkRecords } from './chain.js';
import { recordColumns } from './storage/rows.js';
import type { NewDecisionRecord } from './storage/types.js';

// Core's record-hash vector (canonical.test.ts), the first record of the chain.
const first = {
  decisionId: '0190f5a2-7c1e-7000-8000-000000000001', recordedAt: '2026-03-01T01:00:00.000Z', pack: 'quality-severity',
  version: '1.0.0', packHash: `sha256:${'ab'.repeat(32)}`, asOf: '2026-03-01T09:00:00+08:00', parameters: {},
  facts: { claimAmountYuan: 50000, casualties: 0, breakdown: false, note: '质量' }, outcome: { class: 'major', level: 2 },
  decision: { fired: [{ rule: 'level-2-claim' }], messages: { zh: '二级', en: 'Level 2' } },
} as unknown as NewDecisionRecord;

describe('linkRecords', () => {
  it('links records with the known-answer hashes of a chain stored before', () => {
    const [a, b] = linkRecords(undefined, [first, { ...first, decisionId: 'x' }]);
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, hash: 'sha256:3672b6cff5cb27b511086ed88bf2cf661e202c9ce7115234a12853601b9e7153' });
    expect(b).toMatchObject({ seq: 2, prevHash: a?.hash, hash: 'sha256:08b006c01ed10e0b4eb14c9539ee12cbf8e1040baa45a720264130757cda5e85' });
  });

  it('continues from a head with core record hashes', () => {
    const head = { seq: 41, hash: `sha256:${'cd'.repeat(32)}` };
    const [next] = linkRecords(head, [first]);
    expect(next).toMatchObject({ seq: 42, prevHash: head.hash, hash: hashRecord(42, head.hash, first) });
  });
});

describe('recordColumns', () => {
  it('gives the canonical JSON of each JSON-valued field', () => {
    const record = { ...first, facts: { b: [1, { d: 2, c: null }], a: '质' } } as NewDecisionRecord;
    expect(recordColumns(record)).toEqual({
      parametersJson: '{}',
      factsJson: '{"a":"质","b":[1,{"c":null,"d":2}]}',
      outcomeJson: canonicalJson(first.outcome),
      decisionJson: canonicalJson(first.decision),
    });
  });
});
