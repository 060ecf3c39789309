/**
 * @aftersales/reference-server — a Hono app that serves aftersales decisions over HTTP with a hash-chained,
 * append-only audit log (SQLite or PostgreSQL), replay, and pack versions with an impact preview. `createApp`
 * builds the app from injected dependencies; `main.ts` is the Node entry that reads the environment and listens.
 *
 * @packageDocumentation
 */

// Building the app
export { createApp, DEFAULT_BODY_LIMIT } from './app.js';
export type { AppDeps } from './app.js';
export type { ServerConfig, AppEnv } from './context.js';
export type { Logger } from './logger.js';

// The pack-version lifecycle (src/versions/)
export { PackCatalog } from './versions/catalog.js';
export type { VersionStore } from './versions/store.js';
export type { VersionRecord, VersionStatus, VersionInfo, CheckedVersion, PackNode } from './versions/record.js';
export { DEFAULT_ADMIN_BUDGET_MS } from './versions/runner.js';

// Storage
export { SqliteStorage } from './storage/sqlite.js';
export type { SqliteStorageOptions } from './storage/sqlite.js';
export { PostgresStorage } from './storage/postgres.js';
export type { PostgresStorageOptions } from './storage/postgres.js';
export { StorageUnavailableError } from './storage/types.js';
export type {
  Storage,
  DecisionRecord,
  NewDecisionRecord,
  StoredPackVersion,
  PackVersionHead,
  PackVersionText,
  Activation,
  DecisionQuery,
  PutVersionResult,
} from './storage/types.js';

// The hash chain, masking, errors
export { linkRecords, verifyChain, GENESIS_HASH } from './chain.js';
export type { VerifyResult } from './chain.js';
export { maskFacts, maskDecision, maskContext, parseMaskFields, MASKED } from './masking.js';
export type { MaskOptions } from './masking.js';
export { HttpError, toErrorResponse } from './errors.js';
export type { ErrorBody } from './errors.js';
export { buildOpenApi } from './routes/openapi.js';
