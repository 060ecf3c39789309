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
import type { ActivationEntry, PackVersionEntry } from '@aftersales/core';
import { rowToEntry } from './entry-rows.js';
import { sqliteAppender, sqliteLinker } from './sqlite-append.js';
import { SqliteWriterClient, type WriterLink } from './sqlite-writer.js';
import { parseColumn, rowText, rowToRecord, rowToSummary, rowToVersion, rowToVersionHead, rowToVersionText, versionValues, type ChainLine, type DecisionRow, type VersionRow } from './rows.js';
import { DEFAULT_READY_MIN_FREE_BYTES, isMissingSchemaObject, schemaProblems, schemaProbes, sqliteWriteProblem } from './readiness.js';
import { sqlFor } from './schema.js';
import { StorageUnavailableError, type ReadinessProblem } from './types.js';
import type { Activation, ChainLink, LoggedActivation, DecisionQuery, DecisionRecord, DecisionSummary, KeyClaim, KeyClaimResult, LinkedLogRow, NewLogRow, PackVersionHead, PackVersionText, PutVersionResult, ReaderSource, Storage, StoredPackVersion, StoredRow } from './types.js';

const SQL = sqlFor('sqlite');
const PROBES = schemaProbes((table) => table);

/** SQLite error codes that mean "cannot serve now", answered with 503. */
const UNAVAILABLE = /^SQLITE_(READONLY|FULL|IOERR|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|PERM)/;

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /** The database file; its directory is created when missing. `:memory:` for a throwaway database. */
  file: string;
  /** Milliseconds to wait for another process's lock (default 5000). */
  busyTimeoutMs?: number;
  /**
   * `/readyz` answers `503 STORAGE_NOT_WRITABLE` when the file system holding the file has less free space than
   * this (bytes, default 64 KiB: `DEFAULT_READY_MIN_FREE_BYTES`, `AFTERSALES_READY_MIN_FREE_BYTES`).
   */
  readyMinFreeBytes?: number;
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
  private appendHere: ((records: NewLogRow[]) => LinkedLogRow[]) | undefined;
  /** Links policy-change entries inside the transaction of their state change (main connection). */
  private linkHere: ((records: NewLogRow[]) => LinkedLogRow[]) | undefined;
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
    if (!this.memory) this.readerSource = { kind: 'sqlite', file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 };
    this.file = this.memory ? undefined : options.file;
    this.readyMinFreeBytes = options.readyMinFreeBytes ?? DEFAULT_READY_MIN_FREE_BYTES;
  }

  private readonly file: string | undefined;
  private readonly readyMinFreeBytes: number;

  /** Tables and columns present (one `SELECT … WHERE 1 = 0` a table); the connection, page limit and disk writable. */
  async readiness(): Promise<ReadinessProblem[]> {
    const problems = await schemaProblems((sql) => this.db.prepare(sql).all(), PROBES);
    const write = this.run(() => sqliteWriteProblem(this.db, this.file, this.readyMinFreeBytes));
    return write ? [...problems, { code: 'STORAGE_NOT_WRITABLE', reason: write }] : problems;
  }

  /** The file, for the verification thread's own read connection (none for an in-memory database). */
  readonly readerSource: ReaderSource | undefined;

  async migrate(): Promise<void> {
    this.run(() => {
      this.db.exec(SQL.createMigrationsTable);
      const apply = this.db.transaction(() => {
        const current = (this.db.prepare(SQL.schemaVersion).get() as { v: number | null }).v ?? 0;
        for (const migration of SQL.migrations) {
          if (migration.version <= current) continue;
          this.db.exec(migration.sql);
          if (migration.backfill) {
            const { select, update, values } = migration.backfill;
            const write = this.db.prepare(update);
            for (const row of this.db.prepare(select).all() as Array<Record<string, unknown>>) write.run(...values(row));
          }
          this.db.prepare(SQL.recordMigration).run(migration.version, new Date().toISOString());
        }
      });
      apply.immediate();
    });
  }

  /** Resolves when the file answers and holds this server's schema at its latest migration. */
  async ping(): Promise<void> {
    const found = this.run(() => {
      try {
        return (this.db.prepare(SQL.schemaVersion).get() as { v: number | null }).v ?? 0;
      } catch (error) {
        if (/no such table/.test((error as Error).message)) return 0;
        throw error;
      }
    });
    const latest = SQL.migrations.length;
    if (found < latest) throw new StorageUnavailableError(`SQLite: the schema is not migrated (found ${found}, need ${latest})`);
  }

  async appendDecisions<T extends NewLogRow>(records: T[]): Promise<Array<T & ChainLink>> {
    if (records.length === 0) return [];
    if (!this.writer) return this.run(() => (this.appendHere ??= sqliteAppender(this.db))(records)) as unknown as Array<T & ChainLink>;
    if (!this.db.open) throw new StorageUnavailableError('SQLite: the database is closed');
    let links: WriterLink[];
    try {
      links = await this.writer.append(records);
    } catch (error) {
      throw this.translate(error);
    }
    return records.map((r, i) => ({ ...r, ...(links[i] as WriterLink) }));
  }

  async claimIdempotencyKey(claim: KeyClaim): Promise<KeyClaimResult> {
    return this.run(() =>
      // One immediate transaction: another process on the file waits, and the primary key decides.
      this.db.transaction((): KeyClaimResult => {
        this.db.prepare(SQL.deleteExpiredKey).run(claim.pack, claim.key, claim.now);
        if (this.db.prepare(SQL.claimKey).run(claim.pack, claim.key, claim.requestHash, claim.expiresAt).changes === 1) return { claimed: true };
        const row = this.db.prepare(SQL.readKey).get(claim.pack, claim.key) as { request_hash: string; state: string; seq: number | null };
        return { claimed: false, requestHash: row.request_hash, state: row.state === 'done' ? 'done' : 'in-flight', seq: row.seq };
      }).immediate(),
    );
  }

  async releaseIdempotencyKey(pack: string, key: string): Promise<void> {
    this.run(() => this.db.prepare(SQL.releaseKey).run(pack, key));
  }

  async pruneIdempotencyKeys(now: string, limit: number): Promise<number> {
    return this.run(() => this.db.prepare(SQL.pruneKeys).run(now, limit).changes);
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
    if (isMissingSchemaObject(error)) return new StorageUnavailableError(`SQLite: the schema is damaged: ${(error as Error).message}`, error);
    return error;
  }

  async getDecision(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.run(() => {
      const row = this.db.prepare(SQL.decisionById).get(decisionId) as
        | DecisionRow
        | undefined;
      return row ? rowToRecord(row) : undefined;
    });
  }

  async listDecisions(query: DecisionQuery): Promise<DecisionSummary[]> {
    const { sql, args } = SQL.listDecisions(query);
    return this.run(() => (this.db.prepare(sql).all(...args) as DecisionRow[]).map(rowToSummary));
  }

  async recentDecisions(pack: string, limit: number): Promise<DecisionRecord[]> {
    return this.run(() =>
      (
        this.db.prepare(SQL.recentDecisions).all(pack, limit) as DecisionRow[]
      ).map(rowToRecord),
    );
  }

  async chainHead(): Promise<{ seq: number; hash: string } | undefined> {
    return this.run(() => this.db.prepare(SQL.chainHead).get() as { seq: number; hash: string } | undefined);
  }

  async scanChain(afterSeq: number, limit: number): Promise<DecisionRecord[]> {
    return (await this.scanRows(afterSeq, limit)).map(rowToRecord);
  }

  async scanRows(afterSeq: number, limit: number): Promise<StoredRow[]> {
    return this.run(() => this.db.prepare(SQL.scanChain).all(afterSeq, limit) as StoredRow[]);
  }

  async readAuditState(): Promise<unknown> {
    const row = this.run(() => this.db.prepare(SQL.readAuditState).get() as { state_json: string } | undefined);
    return row ? parseColumn(row.state_json) : undefined;
  }

  async writeAuditState(state: unknown): Promise<void> {
    this.run(() => this.db.prepare(SQL.writeAuditState).run(JSON.stringify(state), new Date().toISOString()));
  }

  async chainLines(afterSeq: number, throughSeq: number, limit: number): Promise<ChainLine[]> {
    return this.run(() =>
      (this.db.prepare(SQL.chainLines).all(afterSeq, throughSeq, limit) as DecisionRow[]).map((row) => ({ seq: Number(row.seq), hash: row.hash, text: rowText(row) })),
    );
  }

  async putPackVersion(v: StoredPackVersion, entry?: PackVersionEntry): Promise<PutVersionResult> {
    return this.run(() => {
      const put = this.db.transaction((): PutVersionResult => {
        if (this.db.prepare(SQL.insertVersion).run(...versionValues(v)).changes === 1) {
          if (entry) (this.linkHere ??= sqliteLinker(this.db))([{ format: 2, entry }]);
          return 'created';
        }
        const existing = this.db.prepare(SQL.versionHash).get(v.pack, v.version) as { pack_hash: string } | undefined;
        return existing?.pack_hash === v.packHash ? 'exists' : 'conflict';
      });
      return put.immediate();
    });
  }

  async listPackVersions(): Promise<StoredPackVersion[]> {
    return this.run(() =>
      (this.db.prepare(SQL.listVersions).all() as VersionRow[]).map(rowToVersion),
    );
  }

  async listPackVersionHeads(): Promise<PackVersionHead[]> {
    return this.run(() => (this.db.prepare(SQL.versionHeads).all() as VersionRow[]).map(rowToVersionHead));
  }

  async getPackVersion(pack: string, version: string): Promise<PackVersionText | undefined> {
    return this.run(() => {
      const row = this.db.prepare(SQL.getVersion).get(pack, version) as VersionRow | undefined;
      return row ? rowToVersionText(row) : undefined;
    });
  }

  async getActiveVersions(): Promise<Record<string, string>> {
    return this.run(() => {
      const rows = this.db.prepare(SQL.activeVersions).all() as Array<{ pack: string; version: string }>;
      return Object.fromEntries(rows.map((r) => [r.pack, r.version]));
    });
  }

  async activateVersion(a: Activation, entry?: ActivationEntry): Promise<void> {
    this.run(() => {
      const activate = this.db.transaction(() => {
        this.db.prepare(SQL.upsertActive).run(a.pack, a.version, a.activatedAt);
        this.db.prepare(SQL.insertActivation).run(a.pack, a.version, a.activatedAt);
        if (entry) (this.linkHere ??= sqliteLinker(this.db))([{ format: 2, entry }]);
      });
      activate.immediate();
    });
  }

  async listActivationEntries(pack: string, beforeSeq: number | undefined, limit: number): Promise<LoggedActivation[]> {
    return this.run(() =>
      (this.db.prepare(SQL.activationEntries).all(pack, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as StoredRow[]).map((row) => ({
        seq: Number(row.seq), hash: row.hash, entry: rowToEntry(row) as ActivationEntry,
      })),
    );
  }

  async listActivations(pack: string): Promise<Activation[]> {
    return this.run(
      () =>
        this.db
          .prepare(SQL.listActivations)
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
          .prepare(SQL.changeMarker)
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
      // A table or column gone under the running server (dropped, renamed): 503 until it is back, not 500.
      if (isMissingSchemaObject(error)) throw new StorageUnavailableError(`SQLite: the schema is damaged: ${(error as Error).message}`, error);
      if (!this.db.open) throw new StorageUnavailableError('SQLite: the database is closed', error);
      throw error;
    }
  }
}
