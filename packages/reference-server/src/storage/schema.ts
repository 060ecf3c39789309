/**
 * The tables and queries of the decision log and the pack versions, written once for both storages: SQLite and
 * PostgreSQL differ only in the dialect details given to {@link sqlFor} — the integer and serial column types, how
 * the append-only guard is written (two triggers, or a trigger function), the placeholders (`?` or `$n`) and the
 * schema the tables live in. A migration is never edited once released: a change is a new version at the end.
 */
import { bindingsHash, DECISION_COLUMNS, parseColumn, SUMMARY_COLUMNS } from './rows.js';
import type { DecisionQuery } from './types.js';

/**
 * Every table the server uses and the columns it reads or writes, at the latest migration: what readiness checks is
 * present (readiness.ts). A test compares it with the tables a fresh migration creates, so the two cannot drift.
 */
export const SCHEMA_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  schema_migrations: ['version', 'applied_at'],
  decisions: [
    ...['seq', 'decision_id', 'recorded_at', 'pack', 'version', 'pack_hash', 'as_of', 'parameters_json', 'facts_json'],
    ...['outcome_json', 'decision_json', 'prev_hash', 'hash', 'format', 'kind', 'reference', 'idempotency_key', 'entry_json'],
  ],
  pack_versions: ['pack', 'version', 'pack_hash', 'document_json', 'origin', 'created_at', 'suite_json', 'bindings_json', 'bindings_hash'],
  active_versions: ['pack', 'version', 'activated_at'],
  activations: ['id', 'pack', 'version', 'activated_at'],
  idempotency_keys: ['pack', 'key', 'request_hash', 'state', 'seq', 'expires_at'],
  audit_state: ['id', 'state_json', 'updated_at'],
};

/** The SQL dialect of a storage. */
export type Dialect = 'sqlite' | 'postgres';

/** A schema migration: applied once, in version order, and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  sql: string;
  /**
   * Rows to update in code after `sql`, in the same transaction, for a value SQL cannot compute (a hash): each row
   * `select` returns is written back by `update` with the arguments `values` gives.
   */
  backfill?: { select: string; update: string; values: (row: Record<string, unknown>) => unknown[] };
}

/** Every statement a storage runs, in its dialect. */
export interface StorageSql {
  /** Creates `schema_migrations` when missing. */
  createMigrationsTable: string;
  /** `v`: the latest applied migration (null before any). */
  schemaVersion: string;
  recordMigration: string;
  migrations: Migration[];
  /** `seq, hash` of the last record. */
  chainHead: string;
  /** Idempotency keys: drop the expired row of (pack, key) (args pack, key, now). */
  deleteExpiredKey: string;
  /** Claims (pack, key) in flight unless a row holds it (args pack, key, request_hash, expires_at). */
  claimKey: string;
  /** `request_hash, state, seq` of (pack, key). */
  readKey: string;
  /** Drops the in-flight claim of (pack, key): its decision failed. */
  releaseKey: string;
  /** Marks (pack, key) done with its entry's seq (args seq, pack, key), in the append's transaction. */
  markKeyDone: string;
  /** Deletes at most `limit` expired rows (args now, limit). */
  pruneKeys: string;
  /** Inserts `rows` decision rows (values in the order of DECISION_COLUMNS). */
  insertDecisions: (rows: number) => string;
  decisionById: string;
  recentDecisions: string;
  scanChain: string;
  /** Rows with `seq > $1 AND seq <= $2`, ascending, at most `$3`. */
  chainLines: string;
  /** `state_json` of the verification state (one row, id 1). */
  readAuditState: string;
  /** Stores the verification state (`state_json`, `updated_at`). */
  writeAuditState: string;
  /** The decisions matching a query (summary columns only), by seq, with its arguments. */
  listDecisions: (query: DecisionQuery) => { sql: string; args: Array<string | number> };
  /** Inserts a pack version unless (pack, version) exists. */
  insertVersion: string;
  versionHash: string;
  listVersions: string;
  versionHeads: string;
  getVersion: string;
  activeVersions: string;
  upsertActive: string;
  insertActivation: string;
  listActivations: string;
  /** A pack's activation entries in the log, newest first, before a seq (the `(kind, pack, seq)` index). */
  activationEntries: string;
  /** `a`, `v`: the last activation's id and the count of versions, which move when a replica changes either. */
  changeMarker: string;
}

/**
 * The statements of a dialect, for tables in `schema` (PostgreSQL; SQLite has none).
 *
 * @param dialect - `sqlite` or `postgres`
 * @param schema - a validated schema name (PostgreSQL only)
 * @example
 * ```ts
 * const sql = sqlFor('postgres', 'public');
 * await client.query(sql.chainHead);
 * ```
 */
export function sqlFor(dialect: Dialect, schema?: string): StorageSql {
  const pg = dialect === 'postgres';
  const t = (name: string): string => (pg && schema ? `"${schema}".${name}` : name);
  /** The placeholder of the n-th argument (1-based). */
  const p = (n: number): string => (pg ? `$${n}` : '?');
  const list = (from: number, count: number): string => Array.from({ length: count }, (_, i) => p(from + i)).join(', ');
  const guard = pg
    ? `CREATE FUNCTION ${t('decisions_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the decision log is append-only'; END $$;
        CREATE TRIGGER decisions_no_change BEFORE UPDATE OR DELETE ON ${t('decisions')}
          FOR EACH ROW EXECUTE FUNCTION ${t('decisions_append_only')}();`
    : `CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
          BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
        CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
          BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;`;
  // PostgreSQL refuses a btree entry over ~2.7 KB: its outcome index holds the outcome's md5 (the query compares
  // both the md5, for the index, and the text, for exactness); SQLite indexes the text itself.
  const outcomeKey = pg ? 'md5(outcome_json)' : 'outcome_json';
  const migrations: Migration[] = [
    {
      version: 1,
      sql: `
        CREATE TABLE ${t('decisions')} (
          seq ${pg ? 'BIGINT' : 'INTEGER'} PRIMARY KEY,
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
        CREATE INDEX decisions_pack_seq ON ${t('decisions')} (pack, seq);
        CREATE INDEX decisions_recorded_at ON ${t('decisions')} (recorded_at);
        ${guard}
        CREATE TABLE ${t('pack_versions')} (
          pack TEXT NOT NULL,
          version TEXT NOT NULL,
          pack_hash TEXT NOT NULL,
          document_json TEXT NOT NULL,
          origin TEXT NOT NULL,
          created_at TEXT NOT NULL,
          suite_json TEXT,
          PRIMARY KEY (pack, version)
        );
        CREATE TABLE ${t('active_versions')} (
          pack TEXT PRIMARY KEY,
          version TEXT NOT NULL,
          activated_at TEXT NOT NULL
        );
        CREATE TABLE ${t('activations')} (
          id ${pg ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
          pack TEXT NOT NULL,
          version TEXT NOT NULL,
          activated_at TEXT NOT NULL
        );
      `,
    },
    { version: 2, sql: `ALTER TABLE ${t('pack_versions')} ADD COLUMN bindings_json TEXT` },
    {
      // Format 2 (docs/design/log-record-v2.md): typed entries in the same table, the indexes every list filter
      // reads, and the prunable idempotency keys. Adding columns with constant defaults rewrites no row (and fires
      // no append-only trigger) on either database; old rows read as format 1, kind decision.
      version: 3,
      sql: `
        ALTER TABLE ${t('decisions')} ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE ${t('decisions')} ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
        ALTER TABLE ${t('decisions')} ADD COLUMN reference TEXT;
        ALTER TABLE ${t('decisions')} ADD COLUMN idempotency_key TEXT;
        ALTER TABLE ${t('decisions')} ADD COLUMN entry_json TEXT;
        CREATE INDEX decisions_reference_seq ON ${t('decisions')} (reference, seq);
        CREATE INDEX decisions_pack_version_seq ON ${t('decisions')} (pack, version, seq);
        CREATE INDEX decisions_pack_outcome_seq ON ${t('decisions')} (pack, ${outcomeKey}, seq);
        CREATE INDEX decisions_kind_pack_seq ON ${t('decisions')} (kind, pack, seq);
        CREATE INDEX decisions_recorded_at_seq ON ${t('decisions')} (recorded_at, seq);
        CREATE TABLE ${t('idempotency_keys')} (
          pack TEXT NOT NULL,
          key TEXT NOT NULL,
          request_hash TEXT NOT NULL,
          state TEXT NOT NULL,
          seq ${pg ? 'BIGINT' : 'INTEGER'},
          expires_at TEXT NOT NULL,
          PRIMARY KEY (pack, key)
        );
        CREATE INDEX idempotency_keys_expires_at ON ${t('idempotency_keys')} (expires_at);
      `,
    },
    {
      // The verification state (audit-verifier.ts): one row, the verified watermark and the last full run, so a
      // restart resumes from what was proven instead of walking the whole log again.
      version: 4,
      sql: `CREATE TABLE ${t('audit_state')} (id INTEGER PRIMARY KEY, state_json TEXT NOT NULL, updated_at TEXT NOT NULL)`,
    },
    {
      // The bindings' hash, kept with the version and checked on load as the document's is. Rows stored before
      // get it computed once here, from the bindings as they are at the upgrade.
      version: 5,
      sql: `ALTER TABLE ${t('pack_versions')} ADD COLUMN bindings_hash TEXT`,
      backfill: {
        select: `SELECT pack, version, bindings_json FROM ${t('pack_versions')} WHERE bindings_json IS NOT NULL AND bindings_hash IS NULL`,
        update: `UPDATE ${t('pack_versions')} SET bindings_hash = ${p(1)} WHERE pack = ${p(2)} AND version = ${p(3)}`,
        values: (row) => [bindingsHash(parseColumn(String(row.bindings_json))), row.pack, row.version],
      },
    },
    {
      // A pack's decisions in a time window, in time order (listDecisions with pack and from/to): without it a
      // window is read either through the whole pack or through every pack's window.
      version: 6,
      sql: `CREATE INDEX decisions_pack_recorded_at_seq ON ${t('decisions')} (pack, recorded_at, seq)`,
    },
  ];
  const width = DECISION_COLUMNS.length;
  return {
    createMigrationsTable: `CREATE TABLE IF NOT EXISTS ${t('schema_migrations')} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`,
    schemaVersion: `SELECT MAX(version) AS v FROM ${t('schema_migrations')}`,
    recordMigration: `INSERT INTO ${t('schema_migrations')} (version, applied_at) VALUES (${list(1, 2)})`,
    migrations,
    chainHead: `SELECT seq, hash FROM ${t('decisions')} ORDER BY seq DESC LIMIT 1`,
    insertDecisions: (rows) =>
      `INSERT INTO ${t('decisions')} (${DECISION_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, (_, i) => `(${list(i * width + 1, width)})`).join(', ')}`,
    decisionById: `SELECT * FROM ${t('decisions')} WHERE decision_id = ${p(1)} AND kind = 'decision'`,
    recentDecisions: `SELECT * FROM ${t('decisions')} WHERE kind = 'decision' AND pack = ${p(1)} ORDER BY seq DESC LIMIT ${p(2)}`,
    scanChain: `SELECT * FROM ${t('decisions')} WHERE seq > ${p(1)} ORDER BY seq LIMIT ${p(2)}`,
    readAuditState: `SELECT state_json FROM ${t('audit_state')} WHERE id = 1`,
    writeAuditState: `INSERT INTO ${t('audit_state')} (id, state_json, updated_at) VALUES (1, ${list(1, 2)})
      ON CONFLICT (id) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
    chainLines: `SELECT * FROM ${t('decisions')} WHERE seq > ${p(1)} AND seq <= ${p(2)} ORDER BY seq LIMIT ${p(3)}`,
    listDecisions: (query) => {
      // SQLite: `+kind` keeps the planner off the (kind, pack, seq) index, which would read every row of a pack for a
      // version or outcome filter; the equality filters below pick their own index.
      const where: string[] = [`${pg ? '' : '+'}kind = 'decision'`];
      const args: Array<string | number> = [];
      const add = (clause: string, value: string | number): void => {
        args.push(value);
        where.push(clause.replace(/\?/g, p(args.length)));
      };
      if (query.pack !== undefined) add('pack = ?', query.pack);
      if (query.version !== undefined) add('version = ?', query.version);
      if (query.outcomeJson !== undefined) add(pg ? 'md5(outcome_json) = md5(?) AND outcome_json = ?' : 'outcome_json = ?', query.outcomeJson);
      if (query.reference !== undefined) add('reference = ?', query.reference);
      if (query.from !== undefined) add('recorded_at >= ?', query.from);
      if (query.to !== undefined) add('recorded_at < ?', query.to);
      const order = query.newestFirst ? ' DESC' : '';
      // A time window is listed in time order and keyset-paged on (recorded_at, seq), so a page reads its rows from
      // the time index in order (recordedAt need not grow with seq: replicas' clocks differ); other lists by seq.
      const timed = query.from !== undefined || query.to !== undefined;
      const cursor = query.afterSeq ?? query.beforeSeq;
      if (timed && cursor !== undefined) {
        args.push(query.afterAt ?? '');
        where.push(`(recorded_at, seq) ${query.afterSeq !== undefined ? '>' : '<'} (${p(args.length)}, ${p(args.length + 1)})`);
        args.push(cursor);
      } else {
        if (query.afterSeq !== undefined) add('seq > ?', query.afterSeq);
        if (query.beforeSeq !== undefined) add('seq < ?', query.beforeSeq);
      }
      args.push(query.limit);
      return {
        sql: `SELECT ${SUMMARY_COLUMNS} FROM ${t('decisions')} WHERE ${where.join(' AND ')} ORDER BY ${timed ? `recorded_at${order}, ` : ''}seq${order} LIMIT ${p(args.length)}`,
        args,
      };
    },
    deleteExpiredKey: `DELETE FROM ${t('idempotency_keys')} WHERE pack = ${p(1)} AND key = ${p(2)} AND expires_at <= ${p(3)}`,
    claimKey: `INSERT INTO ${t('idempotency_keys')} (pack, key, request_hash, state, seq, expires_at)
      VALUES (${p(1)}, ${p(2)}, ${p(3)}, 'in-flight', NULL, ${p(4)}) ON CONFLICT (pack, key) DO NOTHING`,
    readKey: `SELECT request_hash, state, seq FROM ${t('idempotency_keys')} WHERE pack = ${p(1)} AND key = ${p(2)}`,
    releaseKey: `DELETE FROM ${t('idempotency_keys')} WHERE pack = ${p(1)} AND key = ${p(2)} AND state = 'in-flight'`,
    markKeyDone: `UPDATE ${t('idempotency_keys')} SET state = 'done', seq = ${p(1)} WHERE pack = ${p(2)} AND key = ${p(3)}`,
    pruneKeys: `DELETE FROM ${t('idempotency_keys')} WHERE ${pg ? 'ctid' : 'rowid'} IN (SELECT ${pg ? 'ctid' : 'rowid'} FROM ${t('idempotency_keys')} WHERE expires_at <= ${p(1)} LIMIT ${p(2)})`,
    insertVersion: `INSERT INTO ${t('pack_versions')} (pack, version, pack_hash, document_json, origin, created_at, suite_json, bindings_json, bindings_hash)
      VALUES (${list(1, 9)}) ON CONFLICT (pack, version) DO NOTHING`,
    versionHash: `SELECT pack_hash FROM ${t('pack_versions')} WHERE pack = ${p(1)} AND version = ${p(2)}`,
    listVersions: `SELECT * FROM ${t('pack_versions')} ORDER BY pack, created_at`,
    versionHeads: `SELECT pack, version, pack_hash, origin, created_at, bindings_json, bindings_hash FROM ${t('pack_versions')} ORDER BY pack, created_at`,
    getVersion: `SELECT * FROM ${t('pack_versions')} WHERE pack = ${p(1)} AND version = ${p(2)}`,
    activeVersions: `SELECT pack, version FROM ${t('active_versions')}`,
    upsertActive: `INSERT INTO ${t('active_versions')} (pack, version, activated_at) VALUES (${list(1, 3)})
      ON CONFLICT (pack) DO UPDATE SET version = excluded.version, activated_at = excluded.activated_at`,
    insertActivation: `INSERT INTO ${t('activations')} (pack, version, activated_at) VALUES (${list(1, 3)})`,
    listActivations: `SELECT pack, version, activated_at AS "activatedAt" FROM ${t('activations')} WHERE pack = ${p(1)} ORDER BY id`,
    activationEntries: `SELECT * FROM ${t('decisions')} WHERE kind = 'activation' AND pack = ${p(1)} AND seq < ${p(2)} ORDER BY seq DESC LIMIT ${p(3)}`,
    changeMarker: `SELECT (SELECT COALESCE(MAX(id), 0) FROM ${t('activations')}) AS a, (SELECT COUNT(*) FROM ${t('pack_versions')}) AS v`,
  };
}
