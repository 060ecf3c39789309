/**
 * Conversions between stored rows and records, shared by the SQLite and PostgreSQL storages. JSON columns are
 * stored as canonical JSON text (not JSONB) so that what is read back is exactly what was hashed; a column that no
 * longer parses (a tampered row) is read as a marker object so that verification reports it instead of crashing.
 */
import type { Decision } from '@aftersales/core';
import { canonicalJson } from '@aftersales/core/canonical';
import { entryRecord, rowToEntry } from './entry-rows.js';
import type { DecisionRecord, DecisionSummary, LinkedLogRow, NewDecisionRecord, StoredPackVersion, StoredRow, UsedPack } from './types.js';

/** A decision row as both databases return it. */
export type DecisionRow = StoredRow;

/** A pack-version row as both databases return it. */
export interface VersionRow {
  pack: string;
  version: string;
  pack_hash: string;
  document_json: string;
  origin: string;
  created_at: string;
  suite_json: string | null;
  bindings_json?: string | null;
}

/**
 * Parses a JSON column; unparseable text becomes `{ $unparseable: text }`.
 *
 * @example
 * ```ts
 * parseColumn('{"a":1}'); // { a: 1 }
 * ```
 */
export function parseColumn(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { $unparseable: text };
  }
}

/** A record's JSON-valued fields, each as canonical JSON text (what the storages keep in their `*_json` columns). */
export interface RecordColumns {
  parametersJson: string;
  factsJson: string;
  outcomeJson: string;
  decisionJson: string;
}

/**
 * The canonical JSON of a record's JSON-valued fields: the texts the storages keep, and the texts verification
 * expects to find stored.
 *
 * @example
 * ```ts
 * const { factsJson } = recordColumns(record);
 * ```
 */
export function recordColumns(record: NewDecisionRecord): RecordColumns {
  return {
    parametersJson: canonicalJson(record.parameters),
    factsJson: canonicalJson(record.facts),
    outcomeJson: canonicalJson(record.outcome),
    decisionJson: canonicalJson(record.decision),
  };
}

const linkedValues = new WeakMap<object, Array<string | number | null>>();

/**
 * Keeps a linked row's column values (computed by the linker from the pieces it hashed), so the insert does not
 * canonicalise the entry a second time.
 *
 * @example
 * ```ts
 * rememberValues(linked, entryColumnValues(link, entry, parts));
 * ```
 */
export function rememberValues(row: LinkedLogRow, values: Array<string | number | null>): void {
  linkedValues.set(row, values);
}

/**
 * The column values of a linked row, in the order of {@link DECISION_COLUMNS}: a format-1 record's JSON fields
 * canonicalised, a format-2 entry's values as its linker laid them out.
 *
 * @example
 * ```ts
 * db.prepare(insertSql).run(...decisionValues(record));
 * ```
 */
export function decisionValues(r: LinkedLogRow): Array<string | number | null> {
  const known = linkedValues.get(r);
  if (known) return known;
  if ('entry' in r) throw new TypeError('a format-2 entry is laid out by the chain linker (linkRecords)');
  const c = recordColumns(r);
  return [r.seq, r.decisionId, r.recordedAt, r.pack, r.version, r.packHash, r.asOf,
    c.parametersJson, c.factsJson, c.outcomeJson, c.decisionJson, r.prevHash, r.hash, 1, 'decision', null, null, null];
}

/**
 * The values of a pack-version row, in the order of the insert of `schema.ts` (pack, version, pack_hash,
 * document_json, origin, created_at, suite_json, bindings_json).
 *
 * @example
 * ```ts
 * db.prepare(sql.insertVersion).run(...versionValues(version));
 * ```
 */
export function versionValues(v: StoredPackVersion): Array<string | null> {
  const json = (value: unknown): string | null => (value === undefined ? null : canonicalJson(value));
  return [v.pack, v.version, v.packHash, v.documentJson ?? canonicalJson(v.document), v.origin, v.createdAt, json(v.suite), json(v.bindings)];
}

/** The decision columns, in the order of {@link decisionValues}. */
export const DECISION_COLUMNS = [
  'seq',
  'decision_id',
  'recorded_at',
  'pack',
  'version',
  'pack_hash',
  'as_of',
  'parameters_json',
  'facts_json',
  'outcome_json',
  'decision_json',
  'prev_hash',
  'hash',
  'format',
  'kind',
  'reference',
  'idempotency_key',
  'entry_json',
] as const;

/** The columns a decision list reads (never the facts, decision or entry text). */
export const SUMMARY_COLUMNS = 'seq, decision_id, recorded_at, pack, version, pack_hash, as_of, outcome_json, hash, reference';

/**
 * Reads a list row (the {@link SUMMARY_COLUMNS}) back into a list item.
 *
 * @example
 * ```ts
 * const item = rowToSummary(row);
 * ```
 */
export function rowToSummary(row: Pick<StoredRow, 'seq' | 'decision_id' | 'recorded_at' | 'pack' | 'version' | 'pack_hash' | 'as_of' | 'outcome_json' | 'hash' | 'reference'>): DecisionSummary {
  return {
    decisionId: row.decision_id, seq: Number(row.seq), recordedAt: row.recorded_at, pack: row.pack, version: row.version,
    packHash: row.pack_hash, asOf: row.as_of, outcome: parseColumn(row.outcome_json), hash: row.hash,
    ...(row.reference !== null && row.reference !== undefined ? { reference: row.reference } : {}),
  };
}

const storedTexts = new WeakMap<DecisionRecord, [string, string, string, string]>();

/**
 * The JSON column texts a record was read from (parameters, facts, outcome, decision), exactly as stored, so
 * verification can check that each is its own canonical JSON; `undefined` for a record not read from a row.
 *
 * @example
 * ```ts
 * const texts = storedColumnTexts(record);
 * ```
 */
export function storedColumnTexts(record: DecisionRecord): [string, string, string, string] | undefined {
  return storedTexts.get(record);
}

/**
 * Reads a decision row back into a record.
 *
 * @example
 * ```ts
 * const record = rowToRecord(row);
 * ```
 */
export function rowToRecord(row: DecisionRow): DecisionRecord {
  if (Number(row.format ?? 1) === 2) {
    const link = { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
    try {
      const entry = rowToEntry(row);
      if (entry.kind === 'decision') return entryRecord(entry, link);
    } catch {
      // An unreadable entry is read as a marker, as an unparseable format-1 column is.
    }
    return {
      decisionId: row.decision_id, recordedAt: row.recorded_at, pack: row.pack, version: row.version, packHash: row.pack_hash,
      asOf: row.as_of, parameters: {}, facts: { $unparseable: row.entry_json ?? '' }, outcome: parseColumn(row.outcome_json),
      decision: {} as Decision, ...link, format: 2, kind: (row.kind ?? 'decision') as DecisionRecord['kind'],
    };
  }
  const record: NewDecisionRecord = {
    decisionId: row.decision_id,
    recordedAt: row.recorded_at,
    pack: row.pack,
    version: row.version,
    packHash: row.pack_hash,
    asOf: row.as_of,
    parameters: parseColumn(row.parameters_json) as Record<string, unknown>,
    facts: parseColumn(row.facts_json),
    outcome: parseColumn(row.outcome_json),
    decision: parseColumn(row.decision_json) as Decision,
  };
  const stored: DecisionRecord = { ...record, seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, format: 1, kind: 'decision' };
  storedTexts.set(stored, [row.parameters_json, row.facts_json, row.outcome_json, row.decision_json]);
  return stored;
}

/**
 * Reads a pack-version row back.
 *
 * @example
 * ```ts
 * const version = rowToVersion(row);
 * ```
 */
export function rowToVersion(row: VersionRow): StoredPackVersion {
  return {
    pack: row.pack,
    version: row.version,
    packHash: row.pack_hash,
    document: parseColumn(row.document_json),
    origin: row.origin === 'uploaded' ? 'uploaded' : 'bundled',
    createdAt: row.created_at,
    ...(row.suite_json !== null ? { suite: parseColumn(row.suite_json) } : {}),
    ...(typeof row.bindings_json === 'string' ? { bindings: parseColumn(row.bindings_json) as UsedPack[] } : {}),
  };
}
