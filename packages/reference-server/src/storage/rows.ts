/**
 * Conversions between stored rows and records, shared by the SQLite and PostgreSQL storages. JSON columns are
 * stored as canonical JSON text (not JSONB) so that what is read back is exactly what was hashed; a column that no
 * longer parses (a tampered row) is read as a marker object so that verification reports it instead of crashing.
 */
import type { Decision } from '@aftersales/core';
import { canonicalJson } from '@aftersales/core/canonical';
import type { DecisionRecord, NewDecisionRecord, StoredPackVersion, UsedPack } from './types.js';

/** A decision row as both databases return it. */
export interface DecisionRow {
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
}

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

/**
 * The column values of a linked record, in the order of {@link DECISION_COLUMNS}.
 *
 * @example
 * ```ts
 * db.prepare(insertSql).run(...decisionValues(record));
 * ```
 */
export function decisionValues(r: DecisionRecord): Array<string | number> {
  const c = recordColumns(r);
  return [r.seq, r.decisionId, r.recordedAt, r.pack, r.version, r.packHash, r.asOf,
    c.parametersJson, c.factsJson, c.outcomeJson, c.decisionJson, r.prevHash, r.hash];
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
] as const;

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
  const stored: DecisionRecord = { ...record, seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
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
