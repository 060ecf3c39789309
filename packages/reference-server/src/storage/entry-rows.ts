/**
 * Format-2 rows (docs/design/log-record-v2.md): how an entry is laid out in the `decisions` table and read back.
 * The members that are indexed or filtered live in their own columns (`decision_id` = id, `recorded_at`, `pack`,
 * `version`, `pack_hash`, `as_of`, `reference`, `idempotency_key`, `format`, `kind`), the outcome in
 * `outcome_json` (canonical, so the outcome filter is an index equality), and the rest of the entry in
 * `entry_json` as canonical JSON; each member is canonicalised once and the entry's text, its `entry_json` and its
 * hash are assembled from those pieces. A decision entry is read back in the API's record shape (the decision
 * rebuilt from its members), so every reader sees one shape whatever the format.
 */
import type { Decision, DecisionEntry, LogEntry } from '@aftersales/core';
import { assembleCanonical } from '@aftersales/core/canonical';
import type { ChainLink, DecisionRecord, StoredRow } from './types.js';

/** The entry members kept in their own columns (not in `entry_json`). */
export const COLUMN_MEMBERS = new Set(['format', 'kind', 'id', 'recordedAt', 'pack', 'version', 'packHash', 'asOf', 'reference', 'idempotencyKey', 'outcome']);

/**
 * The column values of a linked format-2 entry, in the order of `DECISION_COLUMNS` (rows.ts).
 *
 * @param link - its seq, prevHash and hash
 * @param entry - the entry
 * @param parts - each member's canonical text (core's `entryParts`)
 * @example
 * ```ts
 * insert.run(...entryColumnValues(link, entry, entryParts(entry)));
 * ```
 */
export function entryColumnValues(link: ChainLink, entry: LogEntry, parts: Readonly<Record<string, string>>): Array<string | number | null> {
  const rest: Record<string, string> = {};
  for (const [key, text] of Object.entries(parts)) if (!COLUMN_MEMBERS.has(key)) rest[key] = text;
  const decision = entry.kind === 'decision';
  return [
    link.seq, entry.id, entry.recordedAt, entry.pack, entry.version, entry.packHash,
    decision ? entry.asOf : entry.recordedAt,
    '', '', decision ? (parts.outcome ?? 'null') : '', '',
    link.prevHash, link.hash,
    2, entry.kind, entry.kind === 'decision' ? (entry.reference ?? null) : null,
    entry.kind === 'decision' ? (entry.idempotencyKey ?? null) : null, assembleCanonical(rest),
  ];
}

/**
 * Reads a format-2 row back into its entry (the columns and `entry_json` put together).
 *
 * @returns the entry, or throws when `entry_json` or `outcome_json` does not parse, or `entry_json` holds a member
 * that belongs in a column
 * @example
 * ```ts
 * const entry = rowToEntry(row);
 * ```
 */
export function rowToEntry(row: StoredRow): LogEntry {
  const rest = JSON.parse(row.entry_json ?? '') as Record<string, unknown>;
  if (rest === null || typeof rest !== 'object' || Array.isArray(rest)) throw new TypeError('entry_json is not an object');
  for (const key of Object.keys(rest)) if (COLUMN_MEMBERS.has(key)) throw new TypeError(`entry_json holds the column member ${key}`);
  const kind = row.kind ?? 'decision';
  const entry: Record<string, unknown> = {
    ...rest, format: 2, kind, id: row.decision_id, recordedAt: row.recorded_at, pack: row.pack, version: row.version, packHash: row.pack_hash,
  };
  if (kind === 'decision') {
    entry.asOf = row.as_of;
    entry.outcome = JSON.parse(row.outcome_json) as unknown;
    if (row.reference !== null && row.reference !== undefined) entry.reference = row.reference;
    if (row.idempotency_key !== null && row.idempotency_key !== undefined) entry.idempotencyKey = row.idempotency_key;
  }
  return entry as unknown as LogEntry;
}

/**
 * The decision a decision entry records, in the shape the engine returned it (masked): what `GET
 * /v1/decisions/{id}` answers as `decision` and what replay compares with.
 *
 * @example
 * ```ts
 * const decision = entryDecision(entry);
 * ```
 */
export function entryDecision(entry: DecisionEntry): Decision {
  const explanation = entry.evidence?.format === 'explanation/1' ? entry.evidence.explanation : [];
  return {
    pack: entry.pack, version: entry.version, packHash: entry.packHash, asOf: entry.asOf, parameters: entry.parameters,
    outcome: entry.outcome as Decision['outcome'], fired: entry.fired, derived: entry.derived ?? {}, explanation, messages: entry.messages,
    ...(entry.uses ? { packs: entry.uses } : {}),
  } as Decision;
}

/**
 * A decision entry as the API's record: the fields of a format-1 record (with `decision` rebuilt) plus the
 * host's reference and context, the idempotency key and the entry itself.
 *
 * @example
 * ```ts
 * const record = entryRecord(entry, { seq, prevHash, hash });
 * ```
 */
export function entryRecord(entry: DecisionEntry, link: ChainLink): DecisionRecord {
  return {
    decisionId: entry.id, recordedAt: entry.recordedAt, pack: entry.pack, version: entry.version, packHash: entry.packHash,
    asOf: entry.asOf, parameters: entry.parameters, facts: entry.facts, outcome: entry.outcome, decision: entryDecision(entry),
    ...link, format: 2, kind: 'decision',
    ...(entry.reference !== undefined ? { reference: entry.reference } : {}),
    ...(entry.context !== undefined ? { context: entry.context } : {}),
    ...(entry.idempotencyKey !== undefined ? { idempotencyKey: entry.idempotencyKey } : {}),
    entry,
  };
}
