/**
 * Conversions between stored rows and records, shared by the SQLite and PostgreSQL storages. JSON columns are
 * stored as canonical JSON text (not JSONB) so that what is read back is exactly what was hashed; a column that no
 * longer parses (a tampered row) is read as a marker object so that verification reports it instead of crashing.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '@aftersales/core';
import { canonicalJson } from '@aftersales/core/canonical';
import { entryRecord, rowToEntry } from './entry-rows.js';
import type { DecisionRecord, DecisionSummary, LinkedLogRow, NewDecisionRecord, PackVersionHead, PackVersionText, StoredPackVersion, StoredRow, UsedPack } from './types.js';
export type { ChainLine } from './types.js';

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
  /** Absent only when read from a database before migration 5. */
  bindings_hash?: string | null;
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
  const bindings = json(v.bindings);
  return [v.pack, v.version, v.packHash, v.documentJson ?? canonicalJson(v.document), v.origin, v.createdAt, json(v.suite), bindings, bindings === null ? null : textHash(bindings)];
}

const textHash = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * The hash kept with a version's bindings (column `bindings_hash`, and the pack-version entry's `bindingsHash`):
 * `sha256:` and the hex SHA-256 of their canonical JSON. On load the bindings read are hashed again and compared.
 *
 * @param bindings - the versions a pack version is bound to
 * @returns `sha256:<hex>`
 * @example
 * ```ts
 * bindingsHash([{ pack: 'quality-severity', version: '1.0.0', packHash: 'sha256:…' }]) // 'sha256:…'
 * ```
 */
export function bindingsHash(bindings: unknown): string {
  return textHash(canonicalJson(bindings));
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
 * A row's canonical text: the RFC 8785 JSON of `{ ...record, seq, prevHash }` whose SHA-256 is the record's hash,
 * assembled from the stored columns without parsing them (RFC 8785 sorts the keys, so the text is the columns in
 * key order). A column rewritten in the database shows in the text as stored, so verification and an export see
 * exactly what the database holds; a line break in such a column is written as a space, keeping one record a line.
 *
 * @example
 * ```ts
 * const line = rowText(row); // '{"asOf":"…","decision":{…},…,"version":"1.0.0"}'
 * ```
 */
export function rowText(row: DecisionRow): string {
  const s = JSON.stringify;
  const text =
    Number(row.format ?? 1) === 2
      ? entryRowText(row)
      : `{"asOf":${s(row.as_of)},"decision":${row.decision_json},"decisionId":${s(row.decision_id)},"facts":${row.facts_json},` +
        `"outcome":${row.outcome_json},"pack":${s(row.pack)},"packHash":${s(row.pack_hash)},"parameters":${row.parameters_json},` +
        `"prevHash":${s(row.prev_hash)},"recordedAt":${s(row.recorded_at)},"seq":${Number(row.seq)},"version":${s(row.version)}}`;
  return /[\r\n]/.test(text) ? text.replace(/\r?\n|\r/g, ' ') : text;
}

/**
 * A format-2 row's canonical text: the members kept in columns and the members of `entry_json`, spliced in key
 * order from their stored texts (no parse of the values). An `entry_json` whose members are out of order or spaced
 * is laid out as stored (so the text is not canonical and verification says so); one that does not split into
 * members gives text that is not JSON (unreadable).
 */
function entryRowText(row: DecisionRow): string {
  const s = JSON.stringify;
  const columns: Array<[string, string]> = [
    ['format', '2'], ['kind', s(row.kind ?? 'decision')], ['id', s(row.decision_id)], ['recordedAt', s(row.recorded_at)],
    ['pack', s(row.pack)], ['version', s(row.version)], ['packHash', s(row.pack_hash)], ['seq', String(Number(row.seq))], ['prevHash', s(row.prev_hash)],
  ];
  if ((row.kind ?? 'decision') === 'decision') {
    columns.push(['asOf', s(row.as_of)], ['outcome', row.outcome_json]);
    if (row.reference !== null && row.reference !== undefined) columns.push(['reference', s(row.reference)]);
    if (row.idempotency_key !== null && row.idempotency_key !== undefined) columns.push(['idempotencyKey', s(row.idempotency_key)]);
  }
  const stored = topLevelMembers(row.entry_json ?? '');
  const write = (members: Array<[string, string]>): string => `{${members.map(([k, v]) => `${s(k)}:${v}`).join(',')}}`;
  if (!stored) return `${write(columns).slice(0, -1)},${row.entry_json ?? ''}}`;
  const ordered = stored.canonical ? [...columns, ...stored.members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [...stored.members, ...columns];
  return write(ordered);
}

/**
 * The top-level members of a JSON object's text, each value as its exact stored slice; `canonical` when the keys
 * are in strictly ascending order with no blank between members. Undefined when the text is no object.
 */
function topLevelMembers(text: string): { members: Array<[string, string]>; canonical: boolean } | undefined {
  if (text[0] !== '{' || text[text.length - 1] !== '}') return undefined;
  const members: Array<[string, string]> = [];
  let canonical = true;
  let i = 1;
  const end = text.length - 1;
  if (/^\{\s*\}$/.test(text)) return { members, canonical: text === '{}' };
  const blank = /\s/;
  while (i < end) {
    // Blanks between members are not canonical: the text is then laid out as stored.
    while (i < end && blank.test(text[i] as string)) {
      canonical = false;
      i += 1;
    }
    if (text[i] !== '"') return undefined;
    let j = i + 1;
    while (j < end && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    let key: string;
    try {
      key = JSON.parse(text.slice(i, j + 1)) as string;
    } catch {
      return undefined;
    }
    let colon = j + 1;
    while (colon < end && blank.test(text[colon] as string)) {
      canonical = false;
      colon += 1;
    }
    if (text[colon] !== ':') return undefined;
    let k = colon + 1;
    const start = k;
    let depth = 0;
    for (; k < end || (k === end && depth > 0); k++) {
      const c = text[k];
      if (c === '"') {
        k += 1;
        while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      } else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') depth -= 1;
      else if (c === ',' && depth === 0) break;
    }
    if (k > end) return undefined;
    const previous = members[members.length - 1]?.[0];
    if (previous !== undefined && !(previous < key)) canonical = false;
    members.push([key, text.slice(start, k)]);
    i = k + 1;
  }
  return { members, canonical };
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
 * Reads a pack-version row back without its document and suite (the columns of `versionHeads`).
 *
 * @example
 * ```ts
 * const head = rowToVersionHead(row);
 * ```
 */
export function rowToVersionHead(row: Omit<VersionRow, 'document_json' | 'suite_json'>): PackVersionHead {
  return {
    pack: row.pack,
    version: row.version,
    packHash: row.pack_hash,
    origin: row.origin === 'uploaded' ? 'uploaded' : 'bundled',
    createdAt: row.created_at,
    ...(typeof row.bindings_json === 'string' ? { bindings: parseColumn(row.bindings_json) as UsedPack[] } : {}),
    ...(typeof row.bindings_hash === 'string' ? { bindingsHash: row.bindings_hash } : {}),
  };
}

/**
 * Reads a pack-version row back with its document as the stored text.
 *
 * @example
 * ```ts
 * const { documentJson } = rowToVersionText(row);
 * ```
 */
export function rowToVersionText(row: VersionRow): PackVersionText {
  return { ...rowToVersionHead(row), documentJson: row.document_json, ...(row.suite_json !== null ? { suite: parseColumn(row.suite_json) } : {}) };
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
    ...(typeof row.bindings_hash === 'string' ? { bindingsHash: row.bindings_hash } : {}),
  };
}
