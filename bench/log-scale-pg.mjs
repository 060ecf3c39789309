/**
 * Appends of replicas sharing one PostgreSQL database: creates a fresh database on the server at `--url` (default
 * postgres://postgres@127.0.0.1:5432/test, the test server; the database `aftersales_bench_<pid>` is dropped at the
 * end), starts 1, 2 and then 4 built servers (dist/main.js) on it, and for each count sends `--seconds` of POST
 * decisions from `--concurrency` clients spread over the replicas, through HTTP. Every append takes the advisory
 * lock (replicas serialise on it; each replica batches the appends of one event-loop turn under one lock): the figure
 * is records/s committed by the whole set. Exits 0 with `skipped` when PostgreSQL does not answer. Not part of
 * `pnpm bench`.
 *
 * Usage: nice -n 10 node bench/log-scale-pg.mjs [--seconds 15] [--concurrency 16] [--url postgres://…/test]   (after pnpm build)
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SERVER_MAIN } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', 15));
const CONCURRENCY = Number(option('concurrency', 16));
const URL_ADMIN = option('url', 'postgres://postgres@127.0.0.1:5432/test');
const pg = createRequire(join(ROOT, 'packages/reference-server/package.json'))('pg');

const admin = new pg.Client({ connectionString: URL_ADMIN, connectionTimeoutMillis: 3000 });
try {
  await admin.connect();
} catch (error) {
  process.stdout.write(`${JSON.stringify({ skipped: `PostgreSQL not reachable at ${URL_ADMIN}: ${error.message}` })}\n`);
  process.exit(0);
}
const db = `aftersales_bench_${process.pid}`;
await admin.query(`CREATE DATABASE ${db}`);
const url = new URL(URL_ADMIN);
url.pathname = `/${db}`;
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const dir = mkdtempSync(join(tmpdir(), 'aftersales-bench-pg-'));
const results = { cpus: os.cpus().length, loadBefore: os.loadavg().map((l) => Number(l.toFixed(1))), replicas: [] };
const body = JSON.stringify({ facts: { claimAmountYuan: 12000 }, asOf: '2026-03-02T10:00:00+08:00', reference: 'CLM-PG' });
const started = [];
try {
  for (const count of [1, 2, 4]) {
    const servers = [];
    for (let i = 0; i < count; i += 1) {
      const port = await freePort();
      const log = openSync(join(dir, `server-${count}-${i}.log`), 'a');
      const child = spawn(process.execPath, [SERVER_MAIN], {
        cwd: dir,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url.toString(), AFTERSALES_VERIFY_INTERVAL_MS: '0' },
        stdio: ['ignore', log, log],
      });
      started.push(child);
      servers.push({ child, base: `http://127.0.0.1:${port}` });
    }
    for (const s of servers) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          if ((await fetch(`${s.base}/healthz`)).ok) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error('a replica did not answer /healthz in 120 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    let appended = 0;
    const until = performance.now() + SECONDS * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, k) => {
        const base = servers[k % servers.length].base;
        while (performance.now() < until) {
          const res = await fetch(`${base}/v1/packs/quality-severity/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          if (res.status !== 201) throw new Error(`append answered ${res.status}`);
          appended += 1;
        }
      }),
    );
    const rate = Math.round(appended / ((performance.now() - start) / 1000));
    results.replicas.push({ processes: count, recordsPerSecond: rate });
    process.stderr.write(`${count} replica(s): ${rate} records/s\n`);
    for (const s of servers) s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
  }
  results.loadAfter = os.loadavg().map((l) => Number(l.toFixed(1)));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  for (const c of started) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
