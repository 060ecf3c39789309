/**
 * Log reads that do not grow with the log on the request thread: every filter of `/console/log` and
 * `GET /v1/decisions` is one SQL query a page (the console once scanned up to 20,000 records in JavaScript per
 * request, in batches of 500, for a version or outcome that matched nothing), and on SQLite each equality filter's
 * query plan searches its migration-3 index instead of scanning the table. Counting queries is the robust
 * measure: no timing.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/index.js';
import { sqlFor } from '../src/storage/schema.js';
import type { DecisionQuery } from '../src/storage/types.js';
import { backends, freshStorage } from './backends.js';
import { testApp } from './helpers.js';
import { decisionRecord } from './records.js';

/** The storage with its list queries counted. */
function counted(storage: Storage): { storage: Storage; queries: DecisionQuery[] } {
  const queries: DecisionQuery[] = [];
  const proxy = new Proxy(storage, {
    get(target, name, receiver) {
      if (name === 'listDecisions') return (q: DecisionQuery) => (queries.push(q), target.listDecisions(q));
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage: proxy, queries };
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`indexed log filters on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('answers each console log filter with one query a page, however many records do not match', async () => {
      const records = Array.from({ length: 1260 }, (_, i) =>
        decisionRecord(`r${i}`, {
          pack: 'quality-severity',
          version: i % 21 === 0 ? '2.0.0' : '1.0.0',
          outcome: { level: i % 21 === 0 ? 1 : 3 },
          recordedAt: `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
        }),
      );
      for (let i = 0; i < records.length; i += 500) await fresh.storage().appendDecisions(records.slice(i, i + 500));
      const { storage, queries } = counted(fresh.storage());
      const { call } = await testApp(storage);
      const pages = [
        'pack=quality-severity',
        'pack=quality-severity&version=9.9.9',
        `pack=quality-severity&outcome=${encodeURIComponent('{"level":7}')}`,
        'reference=CLM-NONE',
        'pack=quality-severity&version=2.0.0',
        `pack=quality-severity&outcome=${encodeURIComponent('{"level":1}')}`,
        'from=2026-01-01T00:20&to=2026-01-01T00:21',
      ];
      for (const query of pages) {
        queries.length = 0;
        const res = await call('GET', `/console/log?${query}`);
        expect(res.status, query).toBe(200);
        expect(queries, query).toHaveLength(1);
        expect((await call('GET', '/healthz')).status).toBe(200);
      }
      // 60 records of version 2.0.0: a full page of 50 and a link to the next, read with one more query.
      const page = await call('GET', '/console/log?pack=quality-severity&version=2.0.0');
      expect(page.text.match(/data-decision=/g)).toHaveLength(50);
      const next = /href="([^"]*after=\d+[^"]*)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
      expect(next).toBeDefined();
      queries.length = 0;
      const second = await call('GET', String(next));
      expect(second.text.match(/data-decision=/g)).toHaveLength(10);
      expect(queries).toHaveLength(1);
      const api = await call('GET', `/v1/decisions?pack=quality-severity&outcome=${encodeURIComponent('{"level":1}')}&limit=1000`);
      expect(api.json.items).toHaveLength(60);
      expect(Object.keys(api.json.items[0]).sort()).toEqual(['asOf', 'decisionId', 'hash', 'outcome', 'pack', 'packHash', 'recordedAt', 'seq', 'version']);
      expect((await call('GET', '/v1/decisions?version=1.0.0')).status).toBe(400);
    });

    it('pages a time window in time order, once each, when recordedAt does not grow with seq', async () => {
      // Two replicas whose clocks differ by 30 s append in turn: seq order and time order disagree.
      const records = Array.from({ length: 230 }, (_, i) => {
        const ms = Date.parse('2026-02-01T00:00:00.000Z') + i * 1000 + (i % 2 === 0 ? 30_000 : 0);
        return decisionRecord(`t${i}`, { pack: i % 3 === 0 ? 'quality-severity' : 'mini-warranty', recordedAt: new Date(ms).toISOString() });
      });
      await fresh.storage().appendDecisions(records);
      const { call } = await testApp(fresh.storage());
      const from = '2026-02-01T00:01:00.000Z';
      const to = '2026-02-01T00:03:00.000Z';
      const inWindow = (pack?: string): string[] =>
        records
          .filter((r) => r.recordedAt >= from && r.recordedAt < to && (pack === undefined || r.pack === pack))
          .sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0))
          .map((r) => r.decisionId);
      for (const pack of [undefined, 'quality-severity']) {
        const seen: string[] = [];
        let cursor: string | null = '';
        while (cursor !== null) {
          const res = await call('GET', `/v1/decisions?from=${from}&to=${to}&limit=7${pack ? `&pack=${pack}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          seen.push(...(res.json.items as Array<{ decisionId: string }>).map((d) => d.decisionId));
          cursor = res.json.nextCursor as string | null;
        }
        expect(seen, pack).toEqual(inWindow(pack));
      }
      // The console pages the same window the same way, 50 a page.
      const first = await call('GET', `/console/log?from=2026-02-01T00:00&to=2026-02-01T00:05`);
      const next = /href="([^"]*after=\d+[^"]*)"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      expect(next).toContain('at=');
      const second = await call('GET', String(next));
      const ids = (text: string): string[] => [...text.matchAll(/data-decision="([^"]+)"/g)].map((m) => m[1] as string);
      const both = [...ids(first.text), ...ids(second.text)];
      expect(new Set(both).size).toBe(100);
      expect(both.slice(0, 100)).toEqual(
        records
          .filter((r) => r.recordedAt >= '2026-02-01T00:00:00.000Z' && r.recordedAt < '2026-02-01T00:05:00.000Z')
          .sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : 1))
          .slice(0, 100)
          .map((r) => r.decisionId),
      );
      // A cursor of a list in log order is refused by a time-window query.
      const plain = await call('GET', '/v1/decisions?limit=1');
      expect((await call('GET', `/v1/decisions?from=${from}&cursor=${plain.json.nextCursor}`)).status).toBe(400);
    });
  });
}

describe('the SQLite query plan of each log filter', () => {
  it('searches the index made for it and never scans the table', () => {
    const db = new Database(':memory:');
    const sql = sqlFor('sqlite');
    db.exec(sql.createMigrationsTable);
    for (const m of sql.migrations) db.exec(m.sql);
    const cases: Array<[Omit<DecisionQuery, 'limit'>, string]> = [
      [{ pack: 'p' }, 'decisions_pack_seq'],
      [{ pack: 'p', version: '1.0.0' }, 'decisions_pack_version_seq'],
      [{ pack: 'p', outcomeJson: '{"level":2}' }, 'decisions_pack_outcome_seq'],
      [{ reference: 'CLM-1', newestFirst: true, beforeSeq: 99 }, 'decisions_reference_seq'],
      [{ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' }, 'decisions_recorded_at'],
      [{ from: '2026-01-01T00:00:00.000Z', afterAt: '2026-01-01T05:00:00.000Z' }, 'decisions_recorded_at'],
      [{ pack: 'p', to: '2026-01-02T00:00:00.000Z', afterAt: '2026-01-01T05:00:00.000Z' }, 'decisions_pack_recorded_at_seq'],
      [{}, 'INTEGER PRIMARY KEY'],
    ];
    for (const [query, index] of cases) {
      const { sql: text, args } = sql.listDecisions({ afterSeq: 0, ...query, limit: 51 });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      expect(plan, JSON.stringify(query)).toContain(index);
      expect(plan, JSON.stringify(query)).not.toMatch(/^SCAN|\| SCAN/);
      // Keyset paging reads a page in the index's order: no sort of every match first.
      if (!query.newestFirst && !query.beforeSeq) expect(plan, JSON.stringify(query)).not.toContain('TEMP B-TREE');
    }
    db.close();
  });
});
