/**
 * PostgreSQL storage (node-postgres), chosen with `DATABASE_URL=postgres://…`. Same tables and behaviour as the
 * SQLite storage, optionally inside a named schema (tests use one schema per run). Appends take a transaction-level
 * advisory lock, read the chain head and insert the records, so several server processes can share one database
 * and the chain stays linear; within a process appends are also queued so they do not wait on the lock holding
 * pool connections. Connection loss and server-side "cannot serve" errors become {@link StorageUnavailableError},
 * and the pool reconnects by itself when the database comes back.
 */
import pg from 'pg';
import { linkRecords } from '../chain.js';
import type { ActivationEntry, PackVersionEntry } from '@aftersales/core';
import { rowToEntry } from './entry-rows.js';
import { decisionValues, parseColumn, rowText, rowToRecord, rowToSummary, rowToVersion, rowToVersionHead, rowToVersionText, versionValues, type ChainLine, type DecisionRow, type VersionRow } from './rows.js';
import { keyOf } from './sqlite-append.js';
import { sqlFor, type StorageSql } from './schema.js';
import { schemaProblems, schemaProbes } from './readiness.js';
import { StorageUnavailableError, type ReadinessProblem } from './types.js';
import type { Activation, ChainLink, LoggedActivation, DecisionQuery, DecisionRecord, DecisionSummary, KeyClaim, KeyClaimResult, LinkedLogRow, NewLogRow, PackVersionHead, PackVersionText, PutVersionResult, ReaderSource, Storage, StoredPackVersion, StoredRow } from './types.js';

/** Key of the advisory locks taken by migrations and appends ("aftersal" in ASCII, truncated to int4 pairs). */
const LOCK_CLASS = 0x61667465;
const LOCK_MIGRATE = 1;
const LOCK_APPEND = 2;

/**
 * SQLSTATEs meaning "cannot serve now": connection (08), resources (53), operator intervention (57), system (58),
 * read-only (25006), authorisation (28), a missing database (3D000) or one being dropped (55000), and a missing
 * schema, table or column (3F000, 42P01, 42703: dropped or renamed under the server).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58|28)|^(25006|3D000|55000|3F000|42P01|42703)$/;
/** Thrown inside the readiness probe's transaction to roll it back. */
const ROLLBACK = new Error('readiness probe: rolled back');
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** Options of {@link PostgresStorage}. */
export interface PostgresStorageOptions {
  /** `postgres://user@host:port/database` */
  connectionString: string;
  /** Schema holding the tables (created when missing); default `public`. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** Milliseconds to wait for a connection before answering 503 (default 5000). */
  connectionTimeoutMs?: number;
}

/**
 * The PostgreSQL implementation of {@link Storage}.
 *
 * @example
 * ```ts
 * const storage = new PostgresStorage({ connectionString: process.env.DATABASE_URL! });
 * await storage.migrate();
 * ```
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly s: string;
  private readonly sql: StorageSql;
  private appendQueue: Promise<unknown> = Promise.resolve();
  private readonly connectionString: string;

  constructor(options: PostgresStorageOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) throw new Error(`invalid schema name: ${this.schema}`);
    this.s = `"${this.schema}"`;
    this.sql = sqlFor('postgres', this.schema);
    this.connectionString = options.connectionString;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.readerSource = { kind: 'postgres', connectionString: options.connectionString, schema: this.schema };
  }

  /** The URL and schema, for the verification thread's own connection. */
  readonly readerSource: ReaderSource;

  async migrate(): Promise<void> {
    await this.tx(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await client.query(this.sql.createMigrationsTable);
      const { rows } = await client.query<{ v: number | null }>(this.sql.schemaVersion);
      const current = rows[0]?.v ?? 0;
      for (const migration of this.sql.migrations) {
        if (migration.version <= current) continue;
        await client.query(migration.sql);
        if (migration.backfill) {
          const { select, update, values } = migration.backfill;
          for (const row of (await client.query<Record<string, unknown>>(select)).rows) await client.query(update, values(row));
        }
        await client.query(this.sql.recordMigration, [migration.version, new Date().toISOString()]);
      }
    });
  }

  /** Resolves when the database answers and holds this server's schema at its latest migration. */
  async ping(): Promise<void> {
    const { rows } = await this.query<{ v: number | null }>(this.sql.schemaVersion);
    const latest = this.sql.migrations.length;
    if ((rows[0]?.v ?? 0) < latest) throw new StorageUnavailableError(`PostgreSQL: the schema is not migrated (found ${String(rows[0]?.v ?? 0)}, need ${latest})`);
  }

  /** Tables and columns present; the session not read-only; after a failed append, an insert (rolled back) succeeds. */
  async readiness(options: { probeWrite: boolean }): Promise<ReadinessProblem[]> {
    const problems = await schemaProblems((sql) => this.query(sql), schemaProbes((table) => `${this.s}.${table}`));
    const readOnly = await this.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
    if (readOnly.rows[0]?.transaction_read_only === 'on') return [...problems, { code: 'STORAGE_NOT_WRITABLE', reason: 'the session is read-only (transaction_read_only)' }];
    // The probe takes an id of the activations sequence (a gap in ids, which nothing reads as a count).
    const probe = options.probeWrite ? await this.tx(async (c) => c.query(`INSERT INTO ${this.s}.activations (pack, version, activated_at) VALUES ('', '', '')`).then(() => Promise.reject(ROLLBACK))).catch((e: unknown) => e) : ROLLBACK;
    return probe === ROLLBACK ? problems : [...problems, { code: 'STORAGE_NOT_WRITABLE', reason: probe instanceof Error ? probe.message : String(probe) }];
  }

  appendDecisions<T extends NewLogRow>(records: T[]): Promise<Array<T & ChainLink>> {
    if (records.length === 0) return Promise.resolve([]);
    const run = this.appendQueue.then(() =>
      this.tx(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_APPEND]);
        const { rows } = await client.query<{ seq: string; hash: string }>(this.sql.chainHead);
        const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
        const linked = linkRecords(head, records);
        // One multi-row INSERT per chunk keeps a batch of 1,000 to a few round trips.
        for (let start = 0; start < linked.length; start += 200) {
          const chunk = linked.slice(start, start + 200);
          await client.query(this.sql.insertDecisions(chunk.length), chunk.flatMap(decisionValues));
        }
        for (const r of linked) {
          const key = keyOf(r);
          if (key) await client.query(this.sql.markKeyDone, [r.seq, key.pack, key.key]);
        }
        return linked as unknown as Array<T & ChainLink>;
      }),
    );
    this.appendQueue = run.catch(() => undefined);
    return run;
  }

  async claimIdempotencyKey(claim: KeyClaim): Promise<KeyClaimResult> {
    await this.query(this.sql.deleteExpiredKey, [claim.pack, claim.key, claim.now]);
    const inserted = await this.query(this.sql.claimKey, [claim.pack, claim.key, claim.requestHash, claim.expiresAt]);
    if (inserted.rowCount === 1) return { claimed: true };
    const { rows } = await this.query<{ request_hash: string; state: string; seq: string | number | null }>(this.sql.readKey, [claim.pack, claim.key]);
    const row = rows[0];
    // Released between the insert and the read: try again.
    if (!row) return this.claimIdempotencyKey(claim);
    return { claimed: false, requestHash: row.request_hash, state: row.state === 'done' ? 'done' : 'in-flight', seq: row.seq === null ? null : Number(row.seq) };
  }

  async releaseIdempotencyKey(pack: string, key: string): Promise<void> {
    await this.query(this.sql.releaseKey, [pack, key]);
  }

  async pruneIdempotencyKeys(now: string, limit: number): Promise<number> {
    return (await this.query(this.sql.pruneKeys, [now, limit])).rowCount ?? 0;
  }

  async getDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    const { rows } = await this.query<DecisionRow>(this.sql.decisionById, [decisionId]);
    return rows[0] ? rowToRecord(rows[0]) : undefined;
  }

  async listDecisions(query: DecisionQuery): Promise<DecisionSummary[]> {
    const { sql, args } = this.sql.listDecisions(query);
    return (await this.query<DecisionRow>(sql, args)).rows.map(rowToSummary);
  }

  async recentDecisions(pack: string, limit: number): Promise<DecisionRecord[]> {
    return (await this.query<DecisionRow>(this.sql.recentDecisions, [pack, limit])).rows.map(rowToRecord);
  }

  async chainHead(): Promise<{ seq: number; hash: string } | undefined> {
    const { rows } = await this.query<{ seq: string; hash: string }>(this.sql.chainHead);
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  async scanChain(afterSeq: number, limit: number): Promise<DecisionRecord[]> {
    return (await this.scanRows(afterSeq, limit)).map(rowToRecord);
  }

  async scanRows(afterSeq: number, limit: number): Promise<StoredRow[]> {
    return (await this.query<StoredRow>(this.sql.scanChain, [afterSeq, limit])).rows;
  }

  async readAuditState(): Promise<unknown> {
    const { rows } = await this.query<{ state_json: string }>(this.sql.readAuditState);
    return rows[0] ? parseColumn(rows[0].state_json) : undefined;
  }

  async writeAuditState(state: unknown): Promise<void> {
    await this.query(this.sql.writeAuditState, [JSON.stringify(state), new Date().toISOString()]);
  }

  async chainLines(afterSeq: number, throughSeq: number, limit: number): Promise<ChainLine[]> {
    return (await this.query<DecisionRow>(this.sql.chainLines, [afterSeq, throughSeq, limit])).rows.map((row) => ({ seq: Number(row.seq), hash: row.hash, text: rowText(row) }));
  }

  async putPackVersion(v: StoredPackVersion, entry?: PackVersionEntry): Promise<PutVersionResult> {
    return this.tx(async (client) => {
      const inserted = await client.query(this.sql.insertVersion, versionValues(v));
      if (inserted.rowCount === 1) {
        if (entry) await this.linkIn(client, { format: 2, entry });
        await client.query('SELECT pg_notify($1, $2)', [this.channel, `${v.pack}@${v.version}`]);
        return 'created';
      }
      const { rows } = await client.query<{ pack_hash: string }>(this.sql.versionHash, [v.pack, v.version]);
      return rows[0]?.pack_hash === v.packHash ? 'exists' : 'conflict';
    });
  }

  async listPackVersions(): Promise<StoredPackVersion[]> {
    return (await this.query<VersionRow>(this.sql.listVersions)).rows.map(rowToVersion);
  }

  async listPackVersionHeads(): Promise<PackVersionHead[]> {
    return (await this.query<VersionRow>(this.sql.versionHeads)).rows.map(rowToVersionHead);
  }

  async getPackVersion(pack: string, version: string): Promise<PackVersionText | undefined> {
    const row = (await this.query<VersionRow>(this.sql.getVersion, [pack, version])).rows[0];
    return row ? rowToVersionText(row) : undefined;
  }

  async getActiveVersions(): Promise<Record<string, string>> {
    const { rows } = await this.query<{ pack: string; version: string }>(this.sql.activeVersions);
    return Object.fromEntries(rows.map((r) => [r.pack, r.version]));
  }

  async activateVersion(a: Activation, entry?: ActivationEntry): Promise<void> {
    await this.tx(async (client) => {
      await client.query(this.sql.upsertActive, [a.pack, a.version, a.activatedAt]);
      await client.query(this.sql.insertActivation, [a.pack, a.version, a.activatedAt]);
      if (entry) await this.linkIn(client, { format: 2, entry });
      // Delivered to every listening replica when the transaction commits.
      await client.query('SELECT pg_notify($1, $2)', [this.channel, `${a.pack}@${a.version}`]);
    });
  }

  /** Appends one entry inside a transaction the caller holds: the append lock, the head, the link, the insert. */
  private async linkIn(client: pg.PoolClient, row: NewLogRow): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_APPEND]);
    const { rows } = await client.query<{ seq: string; hash: string }>(this.sql.chainHead);
    const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
    await client.query(this.sql.insertDecisions(1), linkRecords(head, [row]).flatMap(decisionValues));
  }

  async listActivationEntries(pack: string, beforeSeq: number | undefined, limit: number): Promise<LoggedActivation[]> {
    const { rows } = await this.query<StoredRow>(this.sql.activationEntries, [pack, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit]);
    return rows.map((row) => ({ seq: Number(row.seq), hash: row.hash, entry: rowToEntry(row) as ActivationEntry }));
  }

  async listActivations(pack: string): Promise<Activation[]> {
    return (await this.query<Activation>(this.sql.listActivations, [pack])).rows;
  }

  private watchers = new Set<() => void>();

  /** The NOTIFY channel of this schema's version and activation changes. */
  private get channel(): string {
    return `aftersales_${this.schema}`.slice(0, 63);
  }

  watchChanges(onChange: () => Promise<void>, intervalMs = 250): () => void {
    // LISTEN on a dedicated connection for at-once delivery; a poll of a small marker (max activation id, count of
    // versions) as the fallback when the connection is lost or a notification is missed. The listener reconnects
    // on the next poll after an error.
    let marker = '';
    let running = false;
    let again = false;
    let stopped = false;
    let listener: pg.Client | undefined;
    const fire = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          await onChange();
        } while (again && !stopped);
      } catch {
        // The next notification or poll retries.
      } finally {
        running = false;
      }
    };
    const listen = async (): Promise<void> => {
      if (listener || stopped) return;
      const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 5000 });
      listener = client;
      client.on('error', () => {
        if (listener === client) listener = undefined;
        void client.end().catch(() => undefined);
      });
      client.on('notification', () => void fire());
      try {
        await client.connect();
        await client.query(`LISTEN "${this.channel}"`);
        if (stopped) await client.end();
      } catch {
        if (listener === client) listener = undefined;
        await client.end().catch(() => undefined);
      }
    };
    const poll = async (): Promise<void> => {
      void listen();
      try {
        const { rows } = await this.pool.query<{ a: string; v: string }>(this.sql.changeMarker);
        const next = `${rows[0]?.a}:${rows[0]?.v}`;
        if (marker !== '' && next !== marker) await fire();
        marker = next;
      } catch {
        // Unreachable now: the next poll retries.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
    const stop = (): void => {
      stopped = true;
      clearInterval(timer);
      void listener?.end().catch(() => undefined);
      listener = undefined;
      this.watchers.delete(stop);
    };
    this.watchers.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const stop of [...this.watchers]) stop();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(sql: string, args?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, args);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async tx<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    // A connection lost while checked out emits 'error' on the client; without a listener that would crash the
    // process. The failing query rejects as well, which is what reaches the caller.
    let broken = false;
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw this.translate(error);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private translate(error: unknown): unknown {
    if (error instanceof StorageUnavailableError) return error;
    const e = error as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (
      UNAVAILABLE_SQLSTATE.test(code) ||
      UNAVAILABLE_ERRNO.has(code) ||
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|pool after calling end/i.test(
        message,
      )
    ) {
      return new StorageUnavailableError(`PostgreSQL: ${message}`, error);
    }
    return error;
  }
}
