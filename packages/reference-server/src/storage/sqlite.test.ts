/**
 * Tests of the SQLite storage against real files: durability pragmas, the append-only guard, and a real fault —
 * another process holding the database lock — surfacing as StorageUnavailableError, then recovery without reopening.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite.js';
import { StorageUnavailableError, type NewDecisionRecord } from './types.js';
import { verifyChain } from '../chain.js';
import { decisionRecord } from '../../test/records.js';

const record = (id: string): NewDecisionRecord => decisionRecord(id, { facts: { n: id }, outcome: { ok: true } });

describe('SqliteStorage', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aftersales-sqlite-'));
    file = join(dir, 'nested', 'log.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file and its directory, uses WAL with synchronous=FULL, and migrates idempotently', async () => {
    const storage = new SqliteStorage({ file });
    await storage.migrate();
    await storage.migrate();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const stored = await storage.appendDecisions([record('a'), record('b')]);
    expect(stored.map((r) => r.seq)).toEqual([1, 2]);
    expect(await verifyChain(storage)).toMatchObject({ ok: true, records: 2 });
    await storage.close();
  });

  it('refuses UPDATE and DELETE of the log', async () => {
    const storage = new SqliteStorage({ file });
    await storage.migrate();
    await storage.appendDecisions([record('a')]);
    const db = new Database(file);
    expect(() => db.prepare("UPDATE decisions SET outcome_json = '{}'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM decisions').run()).toThrow(/append-only/);
    db.close();
    await storage.close();
  });

  it('reports a locked database as unavailable and recovers when the lock is released', async () => {
    const storage = new SqliteStorage({ file, busyTimeoutMs: 50 });
    await storage.migrate();
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    await expect(storage.appendDecisions([record('a')])).rejects.toBeInstanceOf(StorageUnavailableError);
    other.exec('ROLLBACK');
    other.close();
    const stored = await storage.appendDecisions([record('b')]);
    expect(stored.map((r) => [r.decisionId, r.seq])).toEqual([['b', 1]]);
    expect(await verifyChain(storage)).toMatchObject({ ok: true, records: 1 });
    await storage.close();
  });

  it('reports a closed database as unavailable', async () => {
    const storage = new SqliteStorage({ file });
    await storage.migrate();
    await storage.close();
    await expect(storage.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
