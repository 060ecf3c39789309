/**
 * Tests of the SQLite writer thread: appends sent without waiting commit in call order as one chain (and appends
 * that waited share a transaction); the hashes it computes are the ones the verifier recomputes on the main
 * thread; a writer thread that dies refuses what was in flight and the next append starts a new one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../chain.js';
import { SqliteStorage } from './sqlite.js';
import { writerThreadEntry } from './sqlite-writer.js';
import { decisionRecord } from '../../test/records.js';
import { freshStorage } from '../../test/backends.js';
import { sqliteBackend } from '../../test/helpers.js';
import { StorageUnavailableError, type NewDecisionRecord } from './types.js';

const record = (id: string): NewDecisionRecord =>
  decisionRecord(id, {
    parameters: { z: 1, a: [1, 'x'] },
    facts: { name: '张三', n: Number(id.replace(/\D/g, '') || 0), nested: { b: null, a: true } },
    outcome: { ok: true },
    decision: { outcome: { ok: true }, fired: [] } as unknown as NewDecisionRecord['decision'],
  });

describe('SQLite writer thread', () => {
  const fresh = freshStorage(sqliteBackend);
  const storage = (): SqliteStorage => fresh.storage() as SqliteStorage;

  it('commits concurrent appends in call order as one chain the main thread verifies', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => storage().appendDecisions([record(`r${i}a`), record(`r${i}b`)])));
    expect(results.flat().map((r) => r.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(results[0]?.[0]?.decisionId).toBe('r0a');
    expect(await verifyChain(storage())).toMatchObject({ ok: true, records: 400, head: results[199]?.[1]?.hash });
    const stored = await storage().getDecision('r7b');
    expect(stored?.facts).toEqual(record('r7b').facts);
    expect(stored?.hash).toBe(results[7]?.[1]?.hash);
  });

  it('refuses appends in flight when the thread dies, and starts a new one for the next append', async () => {
    await storage().appendDecisions([record('before')]);
    const worker = (storage() as unknown as { writer: { worker?: Worker } }).writer.worker;
    expect(worker).toBeDefined();
    const inFlight = Array.from({ length: 20 }, (_, i) => storage().appendDecisions([record(`f${i}`)]));
    await worker?.terminate();
    const settled = await Promise.allSettled(inFlight);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(StorageUnavailableError);
    expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    const after = await storage().appendDecisions([record('after')]);
    expect(after[0]?.decisionId).toBe('after');
    const verify = await verifyChain(storage());
    expect(verify.ok).toBe(true);
    for (const s of settled) if (s.status === 'fulfilled') expect(await storage().getDecision(s.value[0]?.decisionId ?? '')).toBeDefined();
  });
});

describe('writerThreadEntry', () => {
  it('starts the TypeScript entry beside the module through the tsx bootstrap when run from the sources', () => {
    const { file, entry } = writerThreadEntry();
    expect(file).toMatch(/[/\\]src[/\\]storage[/\\]ts-worker\.cjs$/);
    expect(entry).toMatch(/[/\\]src[/\\]storage[/\\]sqlite-writer-thread\.ts$/);
  });

  it('starts the built entry beside the bundle, the .cjs one beside the CommonJS build, and names a missing one', () => {
    const dist = mkdtempSync(join(tmpdir(), 'aftersales-dist-'));
    try {
      expect(() => writerThreadEntry(pathToFileURL(join(dist, 'index.js')).href)).toThrow(/sqlite-writer-thread\.js is missing: build the package \(pnpm build\)/);
      writeFileSync(join(dist, 'sqlite-writer-thread.js'), '');
      writeFileSync(join(dist, 'sqlite-writer-thread.cjs'), '');
      expect(writerThreadEntry(pathToFileURL(join(dist, 'chunk-X.js')).href)).toEqual({ file: join(dist, 'sqlite-writer-thread.js') });
      expect(writerThreadEntry(pathToFileURL(join(dist, 'index.cjs')).href)).toEqual({ file: join(dist, 'sqlite-writer-thread.cjs') });
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
