/**
 * The one storage interface behind which the reference server keeps its decision log and its pack versions.
 * Two implementations satisfy it — SQLite (better-sqlite3, the embedded default) and PostgreSQL (node-postgres) —
 * and the same route tests run against both. The log is append-only and hash-chained: an implementation assigns
 * each appended record the next sequence number, reads the previous record's hash and computes the record's own
 * hash with core's `hashRecord` (through `linkRecords`) inside the same transaction, so the chain stays linear even when several
 * processes share one database.
 */
import type { Decision, RecordContent } from '@aftersales/core';

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

/** A decision as stored in the log: its place in the chain and its hashes. */
export interface DecisionRecord extends NewDecisionRecord {
  /** 1-based position in the chain. */
  seq: number;
  /** The previous record's hash ({@link GENESIS_HASH} for the first). */
  prevHash: string;
  /** `sha256:` + hex of this record's canonical JSON (core's `hashRecord`). */
  hash: string;
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
}

/** A query of the decision log, in log order (ascending sequence). */
export interface DecisionQuery {
  pack?: string;
  /** Inclusive lower bound on `recordedAt` (ISO 8601 UTC). */
  from?: string;
  /** Exclusive upper bound on `recordedAt` (ISO 8601 UTC). */
  to?: string;
  /** Only records after this sequence number (the cursor). */
  afterSeq?: number;
  limit: number;
}

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
   * Appends records to the chain in one transaction, in order; resolves only after the commit is durable.
   * @returns the stored records with their sequence numbers and hashes
   */
  appendDecisions(records: NewDecisionRecord[]): Promise<DecisionRecord[]>;
  getDecision(decisionId: string): Promise<DecisionRecord | undefined>;
  listDecisions(query: DecisionQuery): Promise<DecisionRecord[]>;
  /** The last `limit` records of a pack, newest first. */
  recentDecisions(pack: string, limit: number): Promise<DecisionRecord[]>;
  /** The last record's seq and hash (the chain head); undefined for an empty log. */
  chainHead(): Promise<{ seq: number; hash: string } | undefined>;
  /** Records with `seq > afterSeq`, ascending, at most `limit`: the chain walk of the verifier. */
  scanChain(afterSeq: number, limit: number): Promise<DecisionRecord[]>;
  /** Stores a version unless (pack, version) exists: `exists` when the stored hash is the same, `conflict` otherwise. */
  putPackVersion(version: StoredPackVersion): Promise<PutVersionResult>;
  listPackVersions(): Promise<StoredPackVersion[]>;
  /** The active version of each pack that had one activated. */
  getActiveVersions(): Promise<Record<string, string>>;
  /** Records an activation (and makes it the active version) in one transaction. */
  activateVersion(activation: Activation): Promise<void>;
  listActivations(pack: string): Promise<Activation[]>;
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
