/**
 * @aftersales/cli — the `aftersales` command as a library: run it in-process ({@link runCli}), stream a JSONL
 * batch through a pack ({@link runBatch}), write JUnit XML ({@link renderJunit}) or locate JSON pointers in a
 * file ({@link locateJson}).
 *
 * @packageDocumentation
 */

// The command line
export { runCli } from './cli.js';
export type { CliIo } from './cli.js';

// Batch evaluation
export { runBatch, formatSummary, outcomeKey, evaluateLine, tooLongLine, LineSplitter, DEFAULT_MAX_LINE_BYTES } from './batch.js';
export type { BatchOptions, BatchSummary, BatchErrorRecord, LineResult } from './batch.js';

// Reports and file positions
export { renderJunit, escapeXml } from './junit.js';
export { locateJson, JsonSyntaxError, escapePointerToken } from './json-locator.js';
export type { Position, JsonLocations } from './json-locator.js';

// Finding packs
export { resolvePacks, resolveOnePack, findPackFiles, bundledPacks, bundledIds, UsageError } from './packs.js';
export type { PackTarget, PackFileFailure, LocatedProblem } from './packs.js';
