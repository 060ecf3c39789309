/**
 * The log record's format 2 (docs/design/log-record-v2.md) on SQLite and PostgreSQL: the server writes decision
 * entries whose indexed members sit in columns and the rest in canonical `entry_json`, reads them back in the
 * API's record shape (the decision with its explanation), verifies them with core's `hashEntry`, and reports an
 * edited entry; records written before format 2 (format 1) stay in the chain and still verify, also in a SQLite
 * file created by the schema before migration 3 and upgraded on start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson, GENESIS_HASH, hashEntry, type DecisionEntry } from '@aftersales/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkRecords } from '../src/chain.js';
import { SqliteStorage, type Storage } from '../src/index.js';
import { decisionValues } from '../src/storage/rows.js';
import { sqlFor } from '../src/storage/schema.js';
import { backends, dropLogGuards } from './backends.js';
import { fullVerify, testApp, VERIFY_TOKEN, type Backend } from './helpers.js';
import { decisionRecord } from './records.js';

const decide = { facts: { claimAmountYuan: 50000 }, asOf: '2026-01-15T10:00:00+08:00' };

for (const b of backends) {
  describe.skipIf(!b.enabled)(`format-2 log entries on ${b.name}`, () => {
    let backend: Backend;
    let storage: Storage;
    beforeEach(async () => {
      backend = b.make();
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
      await backend.cleanup();
    });

    it('stores a decision as a format-2 entry and reads it back with its decision and explanation', async () => {
      const { call } = await testApp(storage);
      const made = await call('POST', '/v1/packs/quality-severity/decisions', decide);
      expect(made.status).toBe(201);
      const [row] = await storage.scanRows(0, 1);
      expect(row).toMatchObject({ format: 2, kind: 'decision', parameters_json: '', facts_json: '', decision_json: '', pack: 'quality-severity' });
      expect(row?.outcome_json).toBe(canonicalJson(made.json.outcome));
      const rest = JSON.parse(row?.entry_json ?? '') as Record<string, unknown>;
      expect(canonicalJson(rest)).toBe(row?.entry_json);
      expect(Object.keys(rest).sort()).toEqual(['derived', 'evidence', 'facts', 'fired', 'messages', 'parameters', 'uses']);
      // The hash is core's hashEntry of the whole entry.
      const entry = { ...rest, format: 2, kind: 'decision', id: made.json.decisionId, recordedAt: row?.recorded_at, pack: row?.pack,
        version: row?.version, packHash: row?.pack_hash, asOf: row?.as_of, outcome: made.json.outcome } as DecisionEntry;
      expect(row?.hash).toBe(hashEntry(1, GENESIS_HASH, entry));

      const read = await call('GET', `/v1/decisions/${made.json.decisionId}`);
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ decisionId: made.json.decisionId, seq: 1, facts: decide.facts, outcome: made.json.outcome, prevHash: GENESIS_HASH, hash: row?.hash });
      const { decisionId: _id, ...decision } = made.json as Record<string, unknown>;
      expect(canonicalJson(read.json.decision)).toBe(canonicalJson(decision));
      expect(read.json.decision.explanation.length).toBeGreaterThan(0);
      expect((await call('POST', `/v1/decisions/${made.json.decisionId}/replay`)).json.identical).toBe(true);
      expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 1 });
    });

    it('verifies a chain of format-1 records followed by format-2 entries, and reports an edited or respaced entry', async () => {
      await storage.appendDecisions([decisionRecord('old-1', { facts: { n: 1 } }), decisionRecord('old-2', { outcome: { ok: true } })]);
      const { call } = await testApp(storage, { config: { adminToken: VERIFY_TOKEN } });
      for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/packs/quality-severity/decisions', decide)).status).toBe(201);
      expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 4 });
      expect((await call('GET', '/v1/decisions/old-1')).json).toMatchObject({ seq: 1, facts: { n: 1 } });

      const rows = await storage.scanRows(0, 4);
      const third = rows[2]?.entry_json ?? '';
      await dropLogGuards(backend);
      await backend.sql('UPDATE decisions SET entry_json = ? WHERE seq = 3', [JSON.stringify(JSON.parse(third), null, 1)]);
      expect((await fullVerify(call)).json.firstBroken).toMatchObject({ seq: 3, reason: 'not-canonical' });
      const edited = third.replace('"claimAmountYuan":50000', '"claimAmountYuan":5000');
      expect(edited).not.toBe(third);
      await backend.sql('UPDATE decisions SET entry_json = ? WHERE seq = 3', [edited]);
      expect((await fullVerify(call)).json.firstBroken).toMatchObject({ seq: 3, reason: 'hash-mismatch' });
      await backend.sql('UPDATE decisions SET entry_json = ? WHERE seq = 3', [third]);
      expect((await fullVerify(call)).json.ok).toBe(true);
      await backend.sql("UPDATE decisions SET version = '9.9.9' WHERE seq = 4");
      expect((await fullVerify(call)).json.firstBroken).toMatchObject({ seq: 4, reason: 'hash-mismatch' });
    });
  });
}

describe('a SQLite log created before migration 3', () => {
  it('is upgraded on start: its format-1 records keep their hashes and verify beside new format-2 entries', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aftersales-v1-')), 'old.db');
    const sql = sqlFor('sqlite');
    const db = new Database(file);
    db.exec(sql.createMigrationsTable);
    for (const m of sql.migrations.filter((m) => m.version <= 2)) {
      db.exec(m.sql);
      db.prepare(sql.recordMigration).run(m.version, '2026-01-01T00:00:00.000Z');
    }
    // Rows exactly as the server wrote them before: the thirteen columns of migration 1.
    const old = linkRecords(undefined, [decisionRecord('v1-a', { facts: { n: 1 } }), decisionRecord('v1-b', { facts: { n: 2 } })]);
    const insert = db.prepare('INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of old) insert.run(...decisionValues(r).slice(0, 13));
    db.close();

    const storage = new SqliteStorage({ file });
    try {
      await storage.migrate();
      const rows = await storage.scanRows(0, 10);
      expect(rows.map((r) => [r.format, r.kind, r.hash])).toEqual(old.map((r) => [1, 'decision', r.hash]));
      const { call } = await testApp(storage);
      expect((await call('POST', '/v1/packs/quality-severity/decisions', decide)).status).toBe(201);
      expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 3 });
      expect((await call('GET', '/v1/decisions/v1-b')).json).toMatchObject({ seq: 2, facts: { n: 2 }, hash: old[1]?.hash });
    } finally {
      await storage.close();
    }
  });
});
