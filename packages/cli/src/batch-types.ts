/**
 * The shapes of a batch run: its options and summary, the record of a line that was not decided, what one line
 * gives, and the messages exchanged with worker threads.
 */
import type { ErrorBody, EvaluateOptions, Pack, WorkingDayCalendar } from '@aftersales/core';
import type { Readable, Writable } from 'node:stream';

/** The fields of a decision, in the order a whole decision carries them. */
export const DECISION_FIELDS = ['pack', 'version', 'packHash', 'asOf', 'parameters', 'outcome', 'fired', 'derived', 'explanation', 'messages'] as const;

/** A field of a decision a batch record can keep. */
export type DecisionField = (typeof DECISION_FIELDS)[number];

/** The options of one line's decision: the evaluation's, and the fields its record keeps (default all). */
export type LineOptions = EvaluateOptions & { fields?: readonly DecisionField[] };

/** Options of a batch run. */
export interface BatchOptions {
  pack: Pack;
  asOf: string;
  parameters?: Record<string, unknown>;
  /** Include each decision's explanation (default false: batches are about outcomes). */
  explain?: boolean;
  /**
   * The decision fields each record keeps, in this order (e.g. `['outcome', 'fired', 'messages']`); default: the
   * whole decision. The explanation is computed only when it is listed (or `explain` is set).
   */
  fields?: readonly DecisionField[];
  /** The input: a file path, or a stream (stdin). */
  input: string | Readable;
  output: Writable;
  /** Where progress and the summary go. */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Longest line accepted, in bytes without its line break (default {@link DEFAULT_MAX_LINE_BYTES}). */
  maxLineBytes?: number;
  /**
   * Worker threads deciding lines (default 1: decided on the calling thread). With more than one, groups of lines
   * are decided in parallel and written in input order; the output is byte-identical. Needs the built package
   * (the worker is `dist/batch-worker.js`) and, for a pack that requires others, `documents`.
   */
  workers?: number;
  /** The documents of the pack and of every pack it requires, for the workers to load (default: the pack's own). */
  documents?: unknown[];
}

/** What a batch did. */
export interface BatchSummary {
  lines: number;
  decided: number;
  errors: number;
  /** Decisions per outcome (primitive outcome fields, `class=major level=2`); at most 100 keys, then `other`. */
  outcomes: Record<string, number>;
  /** The line numbers of the first 100 errors. */
  errorLines: number[];
  seconds: number;
  perSecond: number;
  /** The process's peak resident set size in MiB. */
  peakRssMiB: number;
  /** Worker threads that decided the lines (1: the calling thread). */
  workers: number;
}

/** The error record of a line that was not decided. */
export interface BatchErrorRecord {
  line: number;
  /** Core's one error body: code, message in Chinese and English, problems. */
  error: ErrorBody;
}

/** What one line gave: the JSON record to write (without its line break), and the decision's outcome if decided. */
export type LineResult = { record: string; decided: true; outcome: unknown } | { record: string; decided: false; code: string };

/** What a worker is started with (internal). */
export interface BatchWorkerData {
  documents: unknown[];
  packId: string;
  packHash: string;
  evaluateOptions: LineOptions;
  maxLineBytes: number;
  /** The working-day calendar the pack was loaded with, so that a worker counts working days as the main thread does. */
  calendar?: WorkingDayCalendar;
}

/** A group of consecutive lines sent to a worker (internal); `null` texts are lines too long, with their sizes. */
export interface BatchGroup {
  seq: number;
  firstLine: number;
  texts: Array<string | null>;
  sizes: number[];
}

/** A worker's answer for a group (internal): the records as UTF-8 buffers and the group's counts. */
export interface BatchGroupResult {
  seq: number;
  chunks: Uint8Array[];
  decided: number;
  errors: number;
  errorLines: number[];
  /** Outcome keys with their counts, in the order first seen. */
  outcomes: Array<[string, number]>;
}

/** Default longest line: 8 MiB, far beyond any claim, small enough that one hostile line cannot exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
