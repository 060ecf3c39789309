/**
 * The cost of an idempotency key: the same decision made through the reference server's app in process
 * (`createApp`, `app.request`, no network), logged to a fresh SQLite file (WAL, synchronous FULL, the writer
 * thread), with and without an `Idempotency-Key` header. A keyed decision adds the claim (one immediate
 * transaction on the main connection: delete the expired row, insert the in-flight row) and the `done` update in
 * the append's transaction. Rounds alternate unkeyed and keyed runs of `--requests` sequential decisions (every
 * key new, so each keyed request decides and records); the figure is keyed / unkeyed time per decision, with
 * min–median–max over the rounds. Not part of `pnpm bench` (about a minute).
 *
 * Usage: node bench/idempotency.mjs [--rounds 7] [--requests 300]   (after pnpm build)
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, stats } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option('rounds', 7);
const REQUESTS = option('requests', 300);
const serverDist = join(ROOT, 'packages/reference-server/dist/index.js');
if (!existsSync(serverDist)) {
  process.stdout.write(`${JSON.stringify({ skipped: 'packages/reference-server is not built (run pnpm build) / 参考服务器未构建' })}\n`);
  process.exit(0);
}
const { createApp, SqliteStorage } = await import(pathToFileURL(serverDist).href);
const { loadBundledPacks } = await import(pathToFileURL(join(ROOT, 'packages/rules/dist/index.js')).href);

const dir = mkdtempSync(join(tmpdir(), 'aftersales-bench-keys-'));
const storage = new SqliteStorage({ file: join(dir, 'aftersales.db') });
await storage.migrate();
const app = await createApp({ packs: loadBundledPacks(), storage, config: { syncIntervalMs: 0 } });
const body = JSON.stringify({ facts: { claimAmountYuan: 12000 }, asOf: '2026-03-02T10:00:00+08:00', reference: 'CLM-1' });
let n = 0;

async function run(keyed) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i += 1) {
    const headers = { 'content-type': 'application/json', ...(keyed ? { 'Idempotency-Key': `bench-${process.pid}-${++n}` } : {}) };
    const res = await app.request('/v1/packs/quality-severity/decisions', { method: 'POST', headers, body });
    if (res.status !== 201) throw new Error(`answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / REQUESTS;
}

try {
  await run(false);
  await run(true);
  const ratios = [];
  const plain = [];
  const keyed = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const a = await run(false);
    const b = await run(true);
    plain.push(a);
    keyed.push(b);
    ratios.push(b / a);
  }
  const s = stats(ratios);
  const p = stats(plain);
  const k = stats(keyed);
  process.stdout.write(`${JSON.stringify({ rounds: ROUNDS, requests: REQUESTS, unkeyedMs: p, keyedMs: k, ratio: s }, null, 2)}\n`);
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
