/**
 * The verification thread's entry (built by tsup to `dist/audit-worker.js` and `.cjs`; started by
 * `AuditVerifier`, audit-verifier.ts). It opens its own read connection to the log — the SQLite file read-only, or
 * a PostgreSQL client on the server's URL and schema — and walks a range of the chain in chunks with core's
 * `ChainChecker` (the offline verifier's code) and Node's native SHA-256, posting progress after each chunk, so a
 * walk of millions of records never touches the event loop that answers requests. Several walks may be in flight
 * (a full run and a tail check): each chunk ends with a turn of this thread's event loop, which interleaves them.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ChainChecker, type ChainPoint, type LineBreak } from '@aftersales/core';
import { rowText, type ChainLine, type DecisionRow } from './storage/rows.js';
import { sqlFor } from './storage/schema.js';
import type { ReaderSource } from './storage/types.js';

/** A walk asked of the thread: check `(after.seq, through]` continuing `after`. */
export interface WalkTask {
  id: number;
  source: ReaderSource;
  after: ChainPoint;
  through: number;
  chunk: number;
}

/** What the thread posts: progress after each chunk, then the end. */
export type WalkReply =
  | { id: number; type: 'progress'; checked: number; at: number }
  | { id: number; type: 'done'; verified: ChainPoint; checked: number; firstBroken?: LineBreak }
  | { id: number; type: 'error'; message: string };

type Reader = (after: number, through: number, limit: number) => Promise<ChainLine[]>;
const readers = new Map<string, Reader>();

function reader(source: ReaderSource): Reader {
  const key = JSON.stringify(source);
  const known = readers.get(key);
  if (known) return known;
  let read: Reader;
  const toLines = (rows: DecisionRow[]): ChainLine[] => rows.map((row) => ({ seq: Number(row.seq), hash: row.hash, text: rowText(row) }));
  if (source.kind === 'sqlite') {
    const db = new Database(source.file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${Math.trunc(source.busyTimeoutMs)}`);
    const statement = db.prepare(sqlFor('sqlite').chainLines);
    read = async (after, through, limit) => toLines(statement.all(after, through, limit) as DecisionRow[]);
  } else {
    const pool = new pg.Pool({ connectionString: source.connectionString, max: 1 });
    pool.on('error', () => undefined);
    const sql = sqlFor('postgres', source.schema).chainLines;
    read = async (after, through, limit) => toLines((await pool.query<DecisionRow>(sql, [after, through, limit])).rows);
  }
  readers.set(key, read);
  return read;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

async function walk(task: WalkTask, post: (reply: WalkReply) => void): Promise<void> {
  const read = reader(task.source);
  const checker = new ChainChecker({ after: task.after, sha256 });
  let checked = 0;
  let after = task.after.seq;
  while (after < task.through) {
    const lines = await read(after, task.through, task.chunk);
    if (lines.length === 0) break;
    for (const line of lines) {
      const broken = checker.push(line.text, line.hash);
      if (broken) {
        post({ id: task.id, type: 'done', verified: checker.verified, checked, firstBroken: broken });
        return;
      }
      checked += 1;
    }
    after = lines[lines.length - 1]?.seq ?? task.through;
    post({ id: task.id, type: 'progress', checked, at: after });
    await new Promise((r) => setImmediate(r));
  }
  const verified = checker.verified;
  if (verified.seq < task.through) {
    const firstBroken: LineBreak = {
      seq: verified.seq + 1,
      reason: 'truncated',
      message: { zh: `序号 ${verified.seq + 1} 起的记录缺失`, en: `records from seq ${verified.seq + 1} are missing` },
      expected: String(task.through),
      found: String(verified.seq),
    };
    post({ id: task.id, type: 'done', verified, checked, firstBroken });
    return;
  }
  post({ id: task.id, type: 'done', verified, checked });
}

parentPort?.on('message', (task: WalkTask) => {
  const post = (reply: WalkReply): void => parentPort?.postMessage(reply);
  walk(task, post).catch((error: unknown) => post({ id: task.id, type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
