/**
 * A log of a million decisions, on SQLite: fills a fresh database file with `--records` decision records through
 * the storage's bulk append (`SqliteStorage.appendDecisions`, thousands a call, hashed and chained by the storage:
 * the FAST PATH, not HTTP; format-1 records of the tests' shape with a reference each), then starts the built
 * server (dist/main.js) on it and measures over HTTP: restart time (spawn to the first `/healthz` 200 on the full
 * log), the append rate (POST decisions, `--concurrency` clients, `--seconds`), database size per record, a full
 * verification (`?full=true`) end to end with `/healthz` polled throughout (p50/p99/max), a `reference` lookup and
 * a filtered console page (p50/p99). PostgreSQL and several server processes on one database are not measured
 * here yet. Not part of `pnpm bench` (minutes, and gigabytes of disk at a million).
 *
 * Usage: nice -n 10 node bench/log-scale.mjs [--records 1000000] [--seconds 20] [--concurrency 16]   (after pnpm build)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SERVER_MAIN } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RECORDS = option('records', 1_000_000);
const SECONDS = option('seconds', 20);
const CONCURRENCY = option('concurrency', 16);
const BATCH = 5_000;
const TOKEN = 'bench-admin-token';
const serverDist = join(ROOT, 'packages/reference-server/dist/index.js');
if (!existsSync(serverDist) || !existsSync(SERVER_MAIN)) {
  process.stdout.write(`${JSON.stringify({ skipped: 'packages/reference-server is not built (run pnpm build) / 参考服务器未构建' })}\n`);
  process.exit(0);
}
const { SqliteStorage } = await import(pathToFileURL(serverDist).href);

const say = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)) : null;
};
const timed = async (url, init) => {
  const start = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { ms: performance.now() - start, status: res.status };
};
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function record(i) {
  const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 1000).toISOString();
  return {
    decisionId: `fill-${i}`,
    recordedAt: at,
    pack: 'quality-severity',
    version: '1.0.0',
    packHash: 'sha256:00',
    asOf: at,
    reference: `CLM-${i}`,
    parameters: { level2ClaimYuan: 10000 },
    facts: { claimAmountYuan: 1000 + (i % 977), vehicleAgeMonths: i % 96, component: ['engine', 'gearbox', 'battery'][i % 3] },
    outcome: { level: 1 + (i % 4) },
    decision: { fired: [{ rule: `rule-${i % 8}` }], messages: { zh: '一般', en: 'ordinary' } },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'aftersales-bench-log-'));
const file = join(dir, 'aftersales.db');
const results = { records: RECORDS, machine: { cpus: os.cpus().length, loadBefore: os.loadavg().map((l) => Number(l.toFixed(1))) } };
let server;
try {
  // 1. Fill through the bulk path.
  const storage = new SqliteStorage({ file });
  await storage.migrate();
  const fillStart = performance.now();
  for (let i = 0; i < RECORDS; i += BATCH) {
    await storage.appendDecisions(Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, k) => record(i + k)));
    if ((i / BATCH) % 20 === 0) say(`filled ${i + BATCH}`);
  }
  results.fill = { path: 'bulk appendDecisions (not HTTP)', recordsPerSecond: Math.round(RECORDS / ((performance.now() - fillStart) / 1000)) };
  await storage.close();

  // 2. Restart: the built server on the full log.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFd = openSync(join(dir, 'server.log'), 'a');
  const spawnedAt = performance.now();
  server = spawn(process.execPath, [SERVER_MAIN], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFTERSALES_DB_FILE: file, DATABASE_URL: '', AFTERSALES_ADMIN_TOKEN: TOKEN, AFTERSALES_VERIFY_INTERVAL_MS: '0' },
    stdio: ['ignore', logFd, logFd],
  });
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - spawnedAt > 300_000) throw new Error(`no /healthz in 300 s: ${readFileSync(join(dir, 'server.log'), 'utf8').slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  results.restartSeconds = Number(((performance.now() - spawnedAt) / 1000).toFixed(2));
  say(`restart ${results.restartSeconds} s`);

  // 3. Appends through HTTP.
  const body = JSON.stringify({ facts: { claimAmountYuan: 12000 }, asOf: '2026-03-02T10:00:00+08:00', reference: 'CLM-HTTP' });
  let appended = 0;
  const until = performance.now() + SECONDS * 1000;
  const appendStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const r = await timed(`${base}/v1/packs/quality-severity/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (r.status !== 201) throw new Error(`append answered ${r.status}`);
        appended += 1;
      }
    }),
  );
  results.appendHttp = { concurrency: CONCURRENCY, recordsPerSecond: Math.round(appended / ((performance.now() - appendStart) / 1000)) };
  say(`append ${results.appendHttp.recordsPerSecond}/s`);

  // 4. Size per record (database file and its WAL).
  const total = RECORDS + appended;
  const bytes = [file, `${file}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
  results.bytesPerRecord = Math.round(bytes / total);

  // 5. Reference lookups and a filtered console page.
  const refs = [];
  for (let i = 0; i < 200; i += 1) refs.push((await timed(`${base}/v1/decisions?reference=CLM-${Math.floor(Math.random() * RECORDS)}`)).ms);
  results.referenceLookupMs = { p50: pct(refs, 50), p99: pct(refs, 99) };
  const outcome = encodeURIComponent('{"level":2}');
  const pages = [];
  for (let i = 0; i < 50; i += 1) pages.push((await timed(`${base}/console/log?pack=quality-severity&outcome=${outcome}&after=${Math.floor(Math.random() * RECORDS)}`)).ms);
  const misses = [];
  for (let i = 0; i < 50; i += 1) misses.push((await timed(`${base}/console/log?pack=quality-severity&version=9.9.9`)).ms);
  results.consolePageMs = { outcomeFilter: { p50: pct(pages, 50), p99: pct(pages, 99) }, versionNoMatch: { p50: pct(misses, 50), p99: pct(misses, 99) } };

  // 6. A full verification, /healthz polled throughout.
  const idle = [];
  for (let i = 0; i < 200; i += 1) idle.push((await timed(`${base}/healthz`)).ms);
  const started = await (await fetch(`${base}/v1/audit/verify?full=true`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const verifyStart = performance.now();
  let run = started;
  const during = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      during.push((await timed(`${base}/healthz`)).ms);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  while (run.state === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    run = await (await fetch(`${base}/v1/audit/verifications/${started.id}`)).json();
  }
  polling = false;
  await poller;
  results.fullVerification = {
    seconds: Number(((performance.now() - verifyStart) / 1000).toFixed(1)),
    state: run.state,
    checked: run.checked,
    healthzIdleMs: { p50: pct(idle, 50), p99: pct(idle, 99) },
    healthzDuringMs: { n: during.length, p50: pct(during, 50), p99: pct(during, 99), max: pct(during, 100) },
  };
  results.machine.loadAfter = os.loadavg().map((l) => Number(l.toFixed(1)));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
  }
  rmSync(dir, { recursive: true, force: true });
}
