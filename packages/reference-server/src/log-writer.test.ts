/** Tests of group commit: appends of one event-loop turn share one transaction; a failed commit acknowledges none. */
import { describe, expect, it } from 'vitest';
import { LogWriter } from './log-writer.js';
import { linkRecords } from './chain.js';
import { decisionRecord } from '../test/records.js';
import type { NewDecisionRecord, Storage } from './storage/types.js';

const record = (id: string): NewDecisionRecord => decisionRecord(id);

function fakeStorage(fail = false) {
  const calls: string[][] = [];
  let head: { seq: number; hash: string } | undefined;
  const storage = {
    async appendDecisions(records: NewDecisionRecord[]) {
      calls.push(records.map((r) => r.decisionId));
      if (fail) throw new Error('disk full');
      const linked = linkRecords(head, records);
      const last = linked[linked.length - 1];
      if (last) head = { seq: last.seq, hash: last.hash };
      return linked;
    },
  } as unknown as Storage;
  return { storage, calls };
}

describe('LogWriter', () => {
  it('groups appends made in the same turn into one commit and gives each caller its own records', async () => {
    const { storage, calls } = fakeStorage();
    const writer = new LogWriter(storage);
    const [a, b, c] = await Promise.all([writer.append([record('a')]), writer.append([record('b1'), record('b2')]), writer.append([record('c')])]);
    expect(calls).toEqual([['a', 'b1', 'b2', 'c']]);
    expect(a.map((r) => r.seq)).toEqual([1]);
    expect(b.map((r) => [r.decisionId, r.seq])).toEqual([
      ['b1', 2],
      ['b2', 3],
    ]);
    expect(c[0]?.prevHash).toBe(b[1]?.hash);
    await writer.append([record('d')]);
    expect(calls).toHaveLength(2);
  });

  it('respects the group size and rejects every caller of a failed commit', async () => {
    const small = fakeStorage();
    const writer = new LogWriter(small.storage, 2);
    await Promise.all([writer.append([record('a')]), writer.append([record('b')]), writer.append([record('c')])]);
    expect(small.calls).toEqual([['a', 'b'], ['c']]);
    const failing = fakeStorage(true);
    const broken = new LogWriter(failing.storage);
    const results = await Promise.allSettled([broken.append([record('x')]), broken.append([record('y')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
