/**
 * The chain checker and the export verifier: a log's canonical lines pass, and an edited, reordered, cut or
 * respaced one fails at the first broken seq; a line's SHA-256 is the record's `hashRecord` (the known answer an
 * auditor relies on: `sha256sum` of a line is the record's hash).
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashEntry, hashRecord, sha256Hex } from './canonical.js';
import { ChainChecker, headSignedText, recordFormat, verifyExport } from './log-verify.js';

function chain(n: number): { lines: string[]; hashes: string[] } {
  const lines: string[] = [];
  const hashes: string[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      decisionId: `d-${seq}`,
      recordedAt: '2026-01-15T02:00:00.000Z',
      pack: 'quality-severity',
      version: '1.0.0',
      packHash: `sha256:${'a'.repeat(64)}`,
      asOf: '2026-01-15T02:00:00.000Z',
      parameters: {},
      facts: { claimAmountYuan: seq * 1000 },
      outcome: { class: 'minor' },
      decision: { outcome: { class: 'minor' }, fired: [] },
    };
    lines.push(canonicalJson({ ...content, seq, prevHash }));
    prevHash = hashRecord(seq, prevHash, content);
    hashes.push(prevHash);
  }
  return { lines, hashes };
}

const headLine = (seq: number, hash: string): string => JSON.stringify({ head: { at: '2026-01-16T00:00:00.000Z', hash, seq } });

describe('ChainChecker', () => {
  it("hashes a record's canonical line to the hash hashRecord gives it", () => {
    const { lines, hashes } = chain(3);
    lines.forEach((line, i) => expect(`sha256:${sha256Hex(line)}`).toBe(hashes[i]));
    expect(recordFormat(JSON.parse(lines[0] as string))).toBe(1);
    expect(recordFormat({ format: 2, kind: 'activation', seq: 1, prevHash: GENESIS_HASH })).toBe(2);
    expect(recordFormat({ format: 2, kind: 'other', seq: 1, prevHash: GENESIS_HASH })).toBeUndefined();
  });

  it('accepts rows with their stored hashes and names the edited row', () => {
    const { lines, hashes } = chain(5);
    const ok = new ChainChecker();
    lines.forEach((l, i) => expect(ok.push(l, hashes[i])).toBeUndefined());
    expect(ok.verified).toEqual({ seq: 5, hash: hashes[4] });
    const edited = [...lines];
    edited[2] = (edited[2] as string).replace('"claimAmountYuan":3000', '"claimAmountYuan":3');
    const checker = new ChainChecker();
    const found = edited.map((l, i) => checker.push(l, hashes[i])).find(Boolean);
    expect(found).toMatchObject({ seq: 3, reason: 'hash-mismatch', decisionId: 'd-3', expected: hashes[2] });
    expect(checker.verified.seq).toBe(2);
  });

  it('resumes after a verified watermark', () => {
    const { lines, hashes } = chain(4);
    const checker = new ChainChecker({ after: { seq: 2, hash: hashes[1] as string } });
    expect(checker.push(lines[2] as string, hashes[2])).toBeUndefined();
    expect(checker.push(lines[3] as string, hashes[3])).toBeUndefined();
    expect(checker.verified).toEqual({ seq: 4, hash: hashes[3] });
    expect(new ChainChecker({ after: { seq: 2, hash: hashes[0] as string } }).push(lines[2] as string, hashes[2])).toMatchObject({ seq: 3, reason: 'prev-hash-mismatch' });
  });

  it('reports a respaced record as not canonical', () => {
    const { lines } = chain(1);
    expect(new ChainChecker().push(JSON.stringify(JSON.parse(lines[0] as string), null, 1).replace(/\n/g, ' '))).toMatchObject({ seq: 1, reason: 'not-canonical' });
  });
});

describe('verifyExport', () => {
  const { lines, hashes } = chain(6);
  const full = [...lines, headLine(6, hashes[5] as string)];

  it('passes on an export, and on one that starts later against the head recorded before it', async () => {
    expect(await verifyExport(full)).toMatchObject({ ok: true, records: 6, from: 1, head: { seq: 6 }, signature: 'unsigned' });
    const later = [...lines.slice(3), headLine(6, hashes[5] as string)];
    expect(await verifyExport(later, { heads: [{ seq: 3, hash: hashes[2] as string }] })).toMatchObject({ ok: true, records: 3, from: 4 });
    expect(await verifyExport(later, { heads: [{ seq: 3, hash: hashes[1] as string }] })).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'head-mismatch' } });
  });

  it('fails on an edited export at the edited seq (the middle, and the last record)', async () => {
    const edited = [...full];
    edited[3] = (edited[3] as string).replace('"claimAmountYuan":4000', '"claimAmountYuan":4001');
    expect(await verifyExport(edited)).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash-mismatch', decisionId: 'd-4' } });
    const last = [...full];
    last[5] = (last[5] as string).replace('"claimAmountYuan":6000', '"claimAmountYuan":6001');
    expect(await verifyExport(last)).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: 'hash-mismatch' } });
  });

  it('fails on a reordered export', async () => {
    const reordered = [...full];
    [reordered[2], reordered[3]] = [reordered[3] as string, reordered[2] as string];
    expect(await verifyExport(reordered)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'sequence-gap' } });
  });

  it('fails on a cut export against a recorded head, and on one without its head line', async () => {
    const cut = [...lines.slice(0, 4), headLine(4, hashes[3] as string)];
    expect(await verifyExport(cut)).toMatchObject({ ok: true });
    expect(await verifyExport(cut, { heads: [{ seq: 6, hash: hashes[5] as string }] })).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'truncated' } });
    expect(await verifyExport(lines.slice(0, 4))).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'truncated' } });
    expect(await verifyExport([...lines.slice(0, 4), headLine(6, hashes[5] as string)])).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'truncated' } });
  });

  it("checks the head's signature over its canonical text when a checker is given", async () => {
    const head = { at: '2026-01-16T00:00:00.000Z', hash: hashes[5] as string, seq: 6 };
    expect(headSignedText(head)).toBe(`{"at":"2026-01-16T00:00:00.000Z","hash":"${hashes[5]}","seq":6}`);
    const signed = [...lines, JSON.stringify({ head, signature: { algorithm: 'Ed25519', value: 'good' } })];
    const checkSignature = (text: string, sig: { value: string }): boolean => text === headSignedText(head) && sig.value === 'good';
    expect(await verifyExport(signed, { checkSignature })).toMatchObject({ ok: true, signature: 'valid' });
    expect(await verifyExport(signed)).toMatchObject({ ok: true, signature: 'not-checked' });
    expect(await verifyExport(full, { checkSignature })).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: 'bad-signature' } });
    const forged = [...lines, JSON.stringify({ head, signature: { algorithm: 'Ed25519', value: 'bad' } })];
    expect(await verifyExport(forged, { checkSignature })).toMatchObject({ ok: false, firstBroken: { reason: 'bad-signature' } });
  });
});

describe('format-2 lines', () => {
  it("hash a format-2 entry's canonical line to hashEntry's answer and chain after format 1", async () => {
    const { lines, hashes } = chain(1);
    const entry = { format: 2 as const, kind: 'activation' as const, id: 'a-1', recordedAt: '2026-01-16T00:00:00.000Z', pack: 'p', version: '2.0.0', packHash: `sha256:${'b'.repeat(64)}`, previousVersion: '1.0.0', action: 'activate' as const };
    const line = canonicalJson({ ...entry, seq: 2, prevHash: hashes[0] });
    const hash = hashEntry(2, hashes[0] as string, entry);
    expect(`sha256:${sha256Hex(line)}`).toBe(hash);
    expect(await verifyExport([...lines, line, headLine(2, hash)])).toMatchObject({ ok: true, records: 2 });
  });
});
