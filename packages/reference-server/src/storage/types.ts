/**
 * The one storage interface behind which the reference server keeps its decision log and its pack versions.
 * Two implementations satisfy it — SQLite (better-sqlite3, the embedded default) and PostgreSQL (node-postgres) —
 * and the same route tests run against both. The log is append-only and hash-chained: an implementation assigns
 * each appended record the next sequence number, reads the previous record's hash and computes the record's own
 * hash with core's `hashRecord` (through `linkRecords`) inside the same transaction, so the chain stays linear even when several
 * processes share one database.
 */
import type { ActivationEntry, Decision, EntryKind, LogEntry, PackVersionEntry, RecordContent } from '@aftersales/core';

/** A stored record as verification and export read it: its place, the hash it was stored with, its canonical text. */
export interface ChainLine {
  seq: number;
  hash: string;
  text: string;
}

/** Where a worker thread reads the log from: the SQLite file, or the PostgreSQL URL and schema. */
export type ReaderSource = { kind: 'sqlite'; file: string; busyTimeoutMs: number } | { kind: 'postgres'; connectionString: string; schema: string };

/**
 * A decision about to be appended to the log: core's {@link RecordContent} (exactly what a record's hash covers)
 * as the server fills it — `recordedAt` from the server's clock (ISO 8601, UTC), `asOf` exactly as evaluated,
 * `parameters` the caller's overrides (empty object when none), `facts` with personal fields masked, and
 * `decision` the whole decision as returned (values of masked fields masked too).
 */
export interface NewDecisionRecord extends RecordContent {
  parameters: Record<string, unknown>;
  decision: Decision;
}

/**
 * A format-2 entry about to be appended (docs/design/log-record-v2.md): the typed entry as the server built it
 * (masked). The storage canonicalises each member once, in the transaction that links it, and assembles the
 * entry's canonical text and the row's columns from those pieces.
 */
export interface NewEntry {
  format: 2;
  entry: LogEntry;
}

/** What the log appends: a format-2 entry (what the server writes) or a format-1 record (older servers, tests). */
export type NewLogRow = NewDecisionRecord | NewEntry;

/** A row's place in the chain. */
export interface ChainLink {
  /** 1-based position in the chain. */
  seq: number;
  /** The previous row's hash ({@link GENESIS_HASH} for the first). */
  prevHash: string;
  /** `sha256:` + hex of the row's canonical JSON (core's `hashRecord` for format 1, `hashEntry` for format 2). */
  hash: string;
}

/** An appended row with its place in the chain. */
export type LinkedLogRow = NewLogRow & ChainLink;

/**
 * The id of a row about to be appended (decisionId or entry id).
 *
 * @example
 * ```ts
 * rowId({ format: 2, entry }) === entry.id // true
 * ```
 */
export function rowId(row: NewLogRow): string {
  return 'entry' in row && row.format === 2 ? row.entry.id : (row as NewDecisionRecord).decisionId;
}

/**
 * A decision as stored in the log, in the API's shape whatever its format: a format-2 decision entry is read
 * back with its `decision` rebuilt (pack, version, outcome, fired, derived, explanation, messages, packs), so
 * readers see one shape.
 */
export interface DecisionRecord extends NewDecisionRecord, ChainLink {
  /** 1 (records before the log record v2) or 2. */
  format?: 1 | 2;
  /** `decision` for every row a decision read returns. */
  kind?: EntryKind;
  /** The host's reference, when given. */
  reference?: string;
  /** The host's context (masked), when given. */
  context?: Record<string, unknown>;
  /** The Idempotency-Key the decision was made under, when given. */
  idempotencyKey?: string;
  /** The format-2 entry as stored (what its hash covers). */
  entry?: LogEntry;
}

/**
 * A row of the chain exactly as stored (both databases return this shape): what the verifier reads. Format-1 rows
 * keep their JSON in `parameters_json`, `facts_json`, `outcome_json`, `decision_json`; format-2 rows keep the
 * indexed members in columns, the outcome in `outcome_json` and the rest of the entry in `entry_json`.
 */
export interface StoredRow {
  seq: number | string;
  decision_id: string;
  recorded_at: string;
  pack: string;
  version: string;
  pack_hash: string;
  as_of: string;
  parameters_json: string;
  facts_json: string;
  outcome_json: string;
  decision_json: string;
  prev_hash: string;
  hash: string;
  /** Absent only when read from a database before migration 3. */
  format?: number | string;
  kind?: string;
  reference?: string | null;
  idempotency_key?: string | null;
  entry_json?: string | null;
}

/** A decision list item: the columns a list shows, read without the facts, decision or explanation. */
export interface DecisionSummary {
  decisionId: string;
  seq: number;
  recordedAt: string;
  pack: string;
  version: string;
  packHash: string;
  asOf: string;
  outcome: unknown;
  hash: string;
  reference?: string;
}

/** How a pack version came to the server. */
export type PackVersionOrigin = 'bundled' | 'uploaded';

/** A pack version kept in storage, so uploads and activations survive a restart. */
export interface StoredPackVersion {
  pack: string;
  version: string;
  packHash: string;
  /** The pack document as uploaded or bundled. */
  document: unknown;
  /** The document's canonical JSON when the caller has it already (an upload checked by the admin thread). */
  documentJson?: string;
  origin: PackVersionOrigin;
  /** When it was stored (ISO 8601, UTC). */
  createdAt: string;
  /** The test suite run at upload (uploaded versions), kept for auditors. */
  suite?: unknown;
  /**
   * The versions of the packs it `requires` that this version was bound to when it was stored (its suite ran
   * against them); restored exactly after a restart. Absent for rows stored before bindings were kept.
   */
  bindings?: UsedPack[];
  /**
   * The hash stored with the bindings (rows.ts `bindingsHash`; written by the storage with every version since
   * migration 5, which computed it once for the rows stored before). Read back, it is compared with the bindings
   * read: a mismatch refuses the version (`PACK_INTEGRITY`).
   */
  bindingsHash?: string;
}

/** A stored pack version without its document and suite: what a replica reads to see what changed. */
export type PackVersionHead = Omit<StoredPackVersion, 'document' | 'documentJson' | 'suite'>;

/** A stored pack version with its document as the canonical JSON text stored (not parsed). */
export type PackVersionText = Omit<StoredPackVersion, 'document' | 'documentJson'> & { documentJson: string };

/** Why storage is not ready, for `/readyz`: the code and the database's own reason. */
export interface ReadinessProblem {
  code: 'STORAGE_UNAVAILABLE' | 'STORAGE_SCHEMA_DAMAGED' | 'STORAGE_NOT_WRITABLE';
  reason: string;
}

/** A pack version a decision used: the pack itself or one it requires (directly or not). */
export interface UsedPack {
  pack: string;
  version: string;
  packHash: string;
}

/** A row of the activation history: which version of a pack became active, and when. */
export interface Activation {
  pack: string;
  version: string;
  activatedAt: string;
  /** The impact the admin saw before activating (the activation entry's `impact`, docs/design/log-record-v2.md). */
  impact?: { checked: number; changed: number; failed: number };
  /** Set when activated without a fresh impact: the admin's reason (the activation entry's `forced`). */
  forced?: { reason: string };
}

/** An activation entry read from the log, with its place in the chain. */
export interface LoggedActivation {
  seq: number;
  hash: string;
  entry: ActivationEntry;
}

/** A query of the decision log, in log order (ascending sequence unless `newestFirst`). */
export interface DecisionQuery {
  pack?: string;
  /** Only this version (with `pack`: read from the `(pack, version, seq)` index). */
  version?: string;
  /** Only this outcome, as canonical JSON text (with `pack`: the `(pack, outcome, seq)` index). */
  outcomeJson?: string;
  /** Only this host reference (the `(reference, seq)` index). */
  reference?: string;
  /** Only records before this sequence number (the cursor of a newest-first list). */
  beforeSeq?: number;
  /** Descending sequence (newest first). */
  newestFirst?: boolean;
  /** Inclusive lower bound on `recordedAt` (ISO 8601 UTC). */
  from?: string;
  /** Exclusive upper bound on `recordedAt` (ISO 8601 UTC). */
  to?: string;
  /** Only records after this sequence number (the cursor). */
  afterSeq?: number;
  /**
   * With `from` or `to`, the list is in time order, `(recordedAt, seq)`, read from the `(recorded_at, seq)` index
   * (or `(pack, recorded_at, seq)` with `pack`), and its cursor is a position in that order: this is the
   * `recordedAt` of the record at `afterSeq` (or `beforeSeq`, newest first).
   */
  afterAt?: string;
  limit: number;
}

/** A request to claim an idempotency key (docs/design/log-record-v2.md, Storage). */
export interface KeyClaim {
  pack: string;
  key: string;
  /** sha256 of the canonical request body. */
  requestHash: string;
  /** The server clock now (ISO 8601 UTC): a row expired by then is deleted first. */
  now: string;
  /** When the claim expires (ISO 8601 UTC). */
  expiresAt: string;
}

/** What a claim found: `claimed` (this request decides), or the row that holds the key. */
export type KeyClaimResult =
  | { claimed: true }
  | { claimed: false; requestHash: string; state: 'in-flight' | 'done'; seq: number | null };

/** Result of storing a pack version. */
export type PutVersionResult = 'created' | 'exists' | 'conflict';

/** The storage interface of the reference server. Every method may reject with {@link StorageUnavailableError}. */
export interface Storage {
  /** `sqlite` or `postgres`, for logs and `/readyz`. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * True when the storage groups concurrent appends itself (committing them in call order): the log writer then
   * sends each turn's appends at once instead of waiting for the previous commit.
   */
  readonly groupsAppends?: boolean;
  /** Creates or upgrades the schema; safe to run on every start. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * What keeps storage from serving beyond {@link Storage.ping}: a table or column missing, a write that would fail
   * (readiness.ts). `probeWrite`: the last append failed, so check with a write where the storage can (PostgreSQL:
   * an insert rolled back).
   *
   * @returns the problems found, empty when ready
   * @throws StorageUnavailableError when the database does not answer
   */
  readiness?(options: { probeWrite: boolean }): Promise<ReadinessProblem[]>;
  /**
   * Appends records to the chain in one transaction, in order; resolves only after the commit is durable.
   * @returns the stored records with their sequence numbers and hashes
   */
  appendDecisions<T extends NewLogRow>(records: T[]): Promise<Array<T & ChainLink>>;
  /**
   * Claims an idempotency key in flight (the primary key (pack, key) decides between replicas), after deleting
   * the key's row if it expired. An append of an entry carrying the key marks it `done` with its seq in the same
   * transaction.
   */
  claimIdempotencyKey?(claim: KeyClaim): Promise<KeyClaimResult>;
  /** Drops an in-flight claim whose decision failed (refused facts, storage error). */
  releaseIdempotencyKey?(pack: string, key: string): Promise<void>;
  /** Deletes at most `limit` keys expired by `now`; returns how many. */
  pruneIdempotencyKeys?(now: string, limit: number): Promise<number>;
  /** The record of a seq (any kind), or undefined. */
  getDecision(decisionId: string): Promise<DecisionRecord | undefined>;
  /** One indexed query: the summaries of the decisions matching, keyset-paged on seq. */
  listDecisions(query: DecisionQuery): Promise<DecisionSummary[]>;
  /** The last `limit` records of a pack, newest first. */
  recentDecisions(pack: string, limit: number): Promise<DecisionRecord[]>;
  /** The last record's seq and hash (the chain head); undefined for an empty log. */
  chainHead(): Promise<{ seq: number; hash: string } | undefined>;
  /** Records with `seq > afterSeq` (every kind, in the record shape), ascending, at most `limit`. */
  scanChain(afterSeq: number, limit: number): Promise<DecisionRecord[]>;
  /** Rows with `seq > afterSeq` exactly as stored, ascending, at most `limit`: the chain walk of the verifier. */
  scanRows(afterSeq: number, limit: number): Promise<StoredRow[]>;
  /**
   * Records with `seq > afterSeq` and `seq <= throughSeq`, ascending, at most `limit`, each as its canonical text
   * and stored hash (rows.ts `rowText`): what the export streams and the verification thread checks.
   */
  chainLines(afterSeq: number, throughSeq: number, limit: number): Promise<ChainLine[]>;
  /**
   * How another thread opens its own read connection to this log (the verification thread), or undefined when it
   * cannot (an in-memory SQLite database lives on one connection only).
   */
  readonly readerSource?: ReaderSource;
  /** The verification state kept by `audit-verifier.ts` (JSON), or undefined before the first. */
  readAuditState(): Promise<unknown>;
  /** Stores the verification state. */
  writeAuditState(state: unknown): Promise<void>;
  /**
   * Stores a version unless (pack, version) exists: `exists` when the stored hash is the same, `conflict` otherwise.
   * With `entry`, a version that is `created` is appended to the chain as that pack-version entry in the same
   * transaction (when the append fails, the version is not stored).
   */
  putPackVersion(version: StoredPackVersion, entry?: PackVersionEntry): Promise<PutVersionResult>;
  /** Every stored version with its document (parsed), by pack then time stored. */
  listPackVersions(): Promise<StoredPackVersion[]>;
  /** Every stored version without its document: pack, version, hash, origin, time stored, bindings. */
  listPackVersionHeads(): Promise<PackVersionHead[]>;
  /** One stored version with its document as stored text, or undefined when (pack, version) is not stored. */
  getPackVersion(pack: string, version: string): Promise<PackVersionText | undefined>;
  /** The active version of each pack that had one activated. */
  getActiveVersions(): Promise<Record<string, string>>;
  /**
   * Records an activation (and makes it the active version) in one transaction; with `entry`, the activation
   * entry is appended to the chain in that same transaction (when the append fails, nothing changes).
   */
  activateVersion(activation: Activation, entry?: ActivationEntry): Promise<void>;
  listActivations(pack: string): Promise<Activation[]>;
  /** A pack's activation entries from the log, newest first, with `seq < beforeSeq`, at most `limit`. */
  listActivationEntries(pack: string, beforeSeq: number | undefined, limit: number): Promise<LoggedActivation[]>;
  /**
   * Calls `onChange` soon after another process (a replica) stores a pack version or an activation: PostgreSQL
   * through `LISTEN/NOTIFY` with a poll as fallback, SQLite by polling `PRAGMA data_version`. Stops on `close()`.
   *
   * @param onChange - called (at most one call in flight) when versions or activations may have changed
   * @param intervalMs - poll period (default 250)
   * @returns a function that stops watching
   */
  watchChanges?(onChange: () => Promise<void>, intervalMs?: number): () => void;
  close(): Promise<void>;
}

/**
 * Thrown by a storage implementation when the database cannot serve a request (unreachable, read-only, disk
 * full). The server answers `503`, and nothing is acknowledged that was not stored.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'STORAGE_UNAVAILABLE';
  override readonly cause: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'StorageUnavailableError';
    this.cause = cause;
  }
}
