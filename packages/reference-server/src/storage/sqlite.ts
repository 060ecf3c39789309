/**
 * SQLite storage (better-sqlite3): the embedded default, one file, WAL journal with `synchronous=FULL` so a
 * commit that returned is on disk. Two connections to the file: reads, migrations, pack versions and activations
 * run on the main thread's connection (better-sqlite3 is synchronous; these are short or rare), while decision
 * appends go to a writer thread with its own connection (see `sqlite-writer.ts`), so the event loop keeps serving
 * while a group commit waits for its fsync. The main thread canonicalises each record's JSON fields once; the
 * writer links the records to the chain head and hashes them inside a `BEGIN IMMEDIATE` transaction, which keeps
 * the chain linear even if several processes share the file. Triggers refuse any UPDATE or DELETE of the log.
 * Errors meaning the database cannot serve (read-only, disk full, I/O, busy, closed) become
 * {@link StorageUnavailableError}.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '@aftersales/core';
import { sqliteAppender } from './sqlite-append.js';
import { SqliteWriterClient, type WriterLink } from './sqlite-writer.js';
import {
  rowToRecord,
  rowToVersion,
  type DecisionRow,
  type VersionRow,
} from './rows.js';
import {
  StorageUnavailableError,
  type Activation,
  type DecisionQuery,
  type DecisionRecord,
  type NewDecisionRecord,
  type PutVersionResult,
  type Storage,
  type StoredPackVersion,
} from './types.js';

const MIGRATIONS: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY,
        decision_id TEXT NOT NULL UNIQUE,
        recorded_at TEXT NOT NULL,
        pack TEXT NOT NULL,
        version TEXT NOT NULL,
        pack_hash TEXT NOT NULL,
        as_of TEXT NOT NULL,
        parameters_json TEXT NOT NULL,
        facts_json TEXT NOT NULL,
        outcome_json TEXT NOT NULL,
        decision_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX decisions_pack_seq ON decisions (pack, seq);
      CREATE INDEX decisions_recorded_at ON decisions (recorded_at);
      CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
      CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
      CREATE TABLE pack_versions (
        pack TEXT NOT NULL,
        version TEXT NOT NULL,
        pack_hash TEXT NOT NULL,
        document_json TEXT NOT NULL,
        origin TEXT NOT NULL,
        created_at TEXT NOT NULL,
        suite_json TEXT,
        PRIMARY KEY (pack, version)
      );
      CREATE TABLE active_versions (
        pack TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        activated_at TEXT NOT NULL
      );
      CREATE TABLE activations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pack TEXT NOT NULL,
        version TEXT NOT NULL,
        activated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: 'ALTER TABLE pack_versions ADD COLUMN bindings_json TEXT',
  },
];

/** SQLite error codes that mean "cannot serve now", answered with 503. */
const UNAVAILABLE = /^SQLITE_(READONLY|FULL|IOERR|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|PERM)/;

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /** The database file; its directory is created when missing. `:memory:` for a throwaway database. */
  file: string;
  /** Milliseconds to wait for another process's lock (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * The SQLite implementation of {@link Storage}.
 *
 * @example
 * ```ts
 * const storage = new SqliteStorage({ file: './data/aftersales.db' });
 * await storage.migrate();
 * ```
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly writer: SqliteWriterClient | undefined;
  private readonly memory: boolean;
  /** Appends on the main connection (in-memory databases only). */
  private appendHere: ((records: NewDecisionRecord[]) => DecisionRecord[]) | undefined;
  /** Appends may be sent concurrently: the writer thread commits them in order, grouping those that wait. */
  readonly groupsAppends: boolean;

  /**
   * Opens (and creates) the file; does not migrate.
   * @throws StorageUnavailableError when the file cannot be opened
   */
  constructor(options: SqliteStorageOptions) {
    try {
      if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
      this.db = new Database(options.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    } catch (error) {
      throw new StorageUnavailableError(`cannot open SQLite database ${options.file}`, error);
    }
    // An in-memory database exists on this connection only: its appends stay on the main thread.
    this.memory = options.file === ':memory:' || options.file === '';
    this.groupsAppends = !this.memory;
    this.writer = this.memory ? undefined : new SqliteWriterClient({ file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  }

  async migrate(): Promise<void> {
    this.run(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const apply = this.db.transaction(() => {
        const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
        const current = row.v ?? 0;
        for (const migration of MIGRATIONS) {
          if (migration.version <= current) continue;
          this.db.exec(migration.sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(migration.version, new Date().toISOString());
        }
      });
      apply.immediate();
    });
  }

  /** Resolves when the file answers and holds this server's schema at its latest migration. */
  async ping(): Promise<void> {
    const found = this.run(() => {
      try {
        return (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
      } catch (error) {
        if (/no such table/.test((error as Error).message)) return 0;
        throw error;
      }
    });
    const latest = MIGRATIONS.length;
    if (found < latest) throw new StorageUnavailableError(`SQLite: the schema is not migrated (found ${found}, need ${latest})`);
  }

  async appendDecisions(records: NewDecisionRecord[]): Promise<DecisionRecord[]> {
    if (records.length === 0) return [];
    if (!this.writer) return this.run(() => (this.appendHere ??= sqliteAppender(this.db))(records));
    if (!this.db.open) throw new StorageUnavailableError('SQLite: the database is closed');
    let links: WriterLink[];
    try {
      links = await this.writer.append(records);
    } catch (error) {
      throw this.translate(error);
    }
    return records.map((r, i) => ({ ...r, ...(links[i] as WriterLink) }));
  }

  /**
   * Runs a PRAGMA on every connection of this storage (the main one and the writer thread's), for operators and
   * fault tests, e.g. `max_page_count = 100` to cap the file's size (appends then fail with `SQLITE_FULL`: `503`).
   *
   * @param statement - the PRAGMA without the keyword, e.g. `max_page_count = 100`
   * @returns the main connection's result
   * @throws StorageUnavailableError as any storage call
   * @example
   * ```ts
   * await storage.pragma('max_page_count = 1000000000');
   * ```
   */
  async pragma(statement: string): Promise<unknown> {
    const result = this.run(() => this.db.pragma(statement));
    if (this.writer) {
      try {
        await this.writer.pragma(statement);
      } catch (error) {
        throw this.translate(error);
      }
    }
    return result;
  }

  /** Turns a writer-thread error into the storage's errors. */
  private translate(error: unknown): unknown {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE.test(code) || code.startsWith('SQLITE_MISUSE_CLOSED'))) {
      return new StorageUnavailableError(`SQLite: ${(error as Error).message}`, error);
    }
    return error;
  }

  async getDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.run(() => {
      const row = this.db.prepare('SELECT * FROM decisions WHERE decision_id = ?').get(decisionId) as
        | DecisionRow
        | undefined;
      return row ? rowToRecord(row) : undefined;
    });
  }

  async listDecisions(query: DecisionQuery): Promise<DecisionRecord[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (query.pack !== undefined) (where.push('pack = ?'), args.push(query.pack));
    if (query.from !== undefined) (where.push('recorded_at >= ?'), args.push(query.from));
    if (query.to !== undefined) (where.push('recorded_at < ?'), args.push(query.to));
    if (query.afterSeq !== undefined) (where.push('seq > ?'), args.push(query.afterSeq));
    const sql = `SELECT * FROM decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    return this.run(() => (this.db.prepare(sql).all(...args, query.limit) as DecisionRow[]).map(rowToRecord));
  }

  async recentDecisions(pack: string, limit: number): Promise<DecisionRecord[]> {
    return this.run(() =>
      (
        this.db.prepare('SELECT * FROM decisions WHERE pack = ? ORDER BY seq DESC LIMIT ?').all(pack, limit) as DecisionRow[]
      ).map(rowToRecord),
    );
  }

  async chainHead(): Promise<{ seq: number; hash: string } | undefined> {
    return this.run(() => this.db.prepare('SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined);
  }

  async scanChain(afterSeq: number, limit: number): Promise<DecisionRecord[]> {
    return this.run(() =>
      (this.db.prepare('SELECT * FROM decisions WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as DecisionRow[]).map(
        rowToRecord,
      ),
    );
  }

  async putPackVersion(v: StoredPackVersion): Promise<PutVersionResult> {
    return this.run(() => {
      const put = this.db.transaction((): PutVersionResult => {
        const existing = this.db
          .prepare('SELECT pack_hash FROM pack_versions WHERE pack = ? AND version = ?')
          .get(v.pack, v.version) as { pack_hash: string } | undefined;
        if (existing) return existing.pack_hash === v.packHash ? 'exists' : 'conflict';
        this.db
          .prepare(
            'INSERT INTO pack_versions (pack, version, pack_hash, document_json, origin, created_at, suite_json, bindings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            v.pack,
            v.version,
            v.packHash,
            v.documentJson ?? canonicalJson(v.document),
            v.origin,
            v.createdAt,
            v.suite === undefined ? null : canonicalJson(v.suite),
            v.bindings === undefined ? null : canonicalJson(v.bindings),
          );
        return 'created';
      });
      return put.immediate();
    });
  }

  async listPackVersions(): Promise<StoredPackVersion[]> {
    return this.run(() =>
      (this.db.prepare('SELECT * FROM pack_versions ORDER BY pack, created_at').all() as VersionRow[]).map(rowToVersion),
    );
  }

  async getActiveVersions(): Promise<Record<string, string>> {
    return this.run(() => {
      const rows = this.db.prepare('SELECT pack, version FROM active_versions').all() as Array<{ pack: string; version: string }>;
      return Object.fromEntries(rows.map((r) => [r.pack, r.version]));
    });
  }

  async activateVersion(a: Activation): Promise<void> {
    this.run(() => {
      const activate = this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO active_versions (pack, version, activated_at) VALUES (?, ?, ?)
             ON CONFLICT (pack) DO UPDATE SET version = excluded.version, activated_at = excluded.activated_at`,
          )
          .run(a.pack, a.version, a.activatedAt);
        this.db.prepare('INSERT INTO activations (pack, version, activated_at) VALUES (?, ?, ?)').run(a.pack, a.version, a.activatedAt);
      });
      activate.immediate();
    });
  }

  async listActivations(pack: string): Promise<Activation[]> {
    return this.run(
      () =>
        this.db
          .prepare('SELECT pack, version, activated_at AS activatedAt FROM activations WHERE pack = ? ORDER BY id')
          .all(pack) as Activation[],
    );
  }

  private watchers = new Set<() => void>();

  watchChanges(onChange: () => Promise<void>, intervalMs = 250): () => void {
    // data_version changes when another connection commits (the writer thread's appends too): only then is the
    // small marker of versions and activations read, and `onChange` runs only when that marker moved.
    let version: unknown;
    let marker = '';
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy || !this.db.open) return;
      busy = true;
      try {
        const now = this.db.pragma('data_version', { simple: true });
        if (now === version) return;
        version = now;
        const row = this.db
          .prepare('SELECT (SELECT COALESCE(MAX(id), 0) FROM activations) AS a, (SELECT COUNT(*) FROM pack_versions) AS v')
          .get() as { a: number; v: number };
        const next = `${row.a}:${row.v}`;
        if (marker !== '' && next !== marker) await onChange();
        marker = next;
      } catch {
        // A failing read is retried on the next tick (the storage answers 503 elsewhere meanwhile).
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
    const stop = (): void => {
      clearInterval(timer);
      this.watchers.delete(stop);
    };
    this.watchers.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const stop of [...this.watchers]) stop();
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }

  /** Runs a synchronous database step, turning "cannot serve" errors into {@link StorageUnavailableError}. */
  private run<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && UNAVAILABLE.test(code)) {
        throw new StorageUnavailableError(`SQLite: ${(error as Error).message}`, error);
      }
      if (!this.db.open) throw new StorageUnavailableError('SQLite: the database is closed', error);
      throw error;
    }
  }
}
