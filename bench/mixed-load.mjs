/**
 * Mixed load on the reference server: do hostile bodies slow down everybody else? Starts the built server
 * (`packages/reference-server/dist/main.js`) as a child process on 127.0.0.1 with a fresh SQLite file, then runs
 * two phases of the same length:
 *   1. good only: 40 connections of `POST /v1/packs/quality-severity/decisions` with valid bodies (each decided and
 *      durably logged before its 201);
 *   2. mixed: the same 40 good connections, and beside them 10 connections cycling through hostile requests — a
 *      1 MiB `changes` array against provider-changes' `uniqueItems` fact, a body nested 100,000 deep, a parameter
 *      of 1e400, an asOf of 31 February, a NUL byte in a URL, a path no route serves, malformed JSON.
 * It reports the good requests' p50/p99 latency and throughput in each phase, the ratio of the p99s (target:
 * mixed within 2x good-only) and the hostile requests' status counts (all must be 4xx: none 2xx or 5xx).
 *
 * Usage: node bench/mixed-load.mjs [--seconds 60] [--good 40] [--hostile 10] [--main path/to/main.js]
 *        [--cpu-prof dir]  (the server writes a V8 CPU profile of each thread there when it stops)
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', 60));
const GOOD = Number(option('good', 40));
const HOSTILE = Number(option('hostile', 10));
const MAIN = resolve(option('main', join(ROOT, 'packages/reference-server/dist/main.js')));
const PROFILE = option('cpu-prof', undefined);
if (!existsSync(MAIN)) {
  console.error(`${MAIN} is not built (run pnpm build)`);
  process.exit(2);
}
const autocannon = (await import('autocannon')).default;

function freePort() {
  return new Promise((res, rej) => {
    const probe = createServer();
    probe.on('error', rej);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => res(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aftersales-mixed-'));
const logFd = openSync(join(dir, 'server.log'), 'a');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', resolve(PROFILE)] : []), MAIN], {
  cwd: dir,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFTERSALES_DB_FILE: join(dir, 'aftersales.db'), DATABASE_URL: '' },
  stdio: ['ignore', logFd, logFd],
});
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 100));
}

const asOf = '2026-01-15T10:00:00+08:00';
const json = { 'content-type': 'application/json' };
const good = [1000, 9999, 10000, 49999, 50000, 120000].map((claimAmountYuan) => ({
  method: 'POST',
  path: '/v1/packs/quality-severity/decisions',
  headers: json,
  body: JSON.stringify({ facts: { claimAmountYuan }, asOf }),
}));

const changes = [];
for (let size = 0; size < 1024 * 1024 - 300; size += 10) changes.push(changes.length % 2 ? 'address' : 'bank');
const hostile = [
  { method: 'POST', path: '/v1/packs/provider-changes/decisions', headers: json, body: JSON.stringify({ facts: { changes, changedOn: '2026-01-05' }, asOf }) },
  { method: 'POST', path: '/v1/packs/quality-severity/decisions', headers: json, body: `{"facts":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}` },
  { method: 'POST', path: '/v1/packs/quality-severity/decisions', headers: json, body: '{"facts":{"claimAmountYuan":1},"parameters":{"level2ClaimYuan":1e400}}' },
  { method: 'POST', path: '/v1/packs/quality-severity/decisions', headers: json, body: JSON.stringify({ facts: { claimAmountYuan: 1 }, asOf: '2026-02-31T10:00:00+08:00' }) },
  { method: 'GET', path: '/v1/decisions/%00' },
  { method: 'POST', path: '/v1/packs/quality-severity/decisions.json', headers: json, body: JSON.stringify({ items: [{ facts: { claimAmountYuan: 1 } }] }) },
  { method: 'POST', path: '/v1/packs/quality-severity/decisions', headers: json, body: '{"facts":' },
];

function run(requests, connections) {
  return new Promise((res, rej) => {
    const statuses = {};
    const instance = autocannon({ url: base, connections, duration: SECONDS, requests, timeout: 30 }, (error, result) => (error ? rej(error) : res({ result, statuses })));
    instance.on('response', (_client, status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}
const summary = ({ result, statuses }) => ({
  requests: result.requests.total,
  perSecond: Math.round(result.requests.average),
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
  maxms: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  statuses,
});

try {
  const goodOnly = summary(await run(good, GOOD));
  const [goodMixed, hostileMixed] = (await Promise.all([run(good, GOOD), run(hostile, HOSTILE)])).map(summary);
  const report = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load1: os.loadavg()[0], node: process.version },
    seconds: SECONDS,
    connections: { good: GOOD, hostile: HOSTILE },
    goodOnly,
    mixed: { good: goodMixed, hostile: hostileMixed },
    p99Ratio: Math.round((goodMixed.p99ms / Math.max(1, goodOnly.p99ms)) * 100) / 100,
    target: 'mixed good p99 <= 2 x good-only p99; no hostile request answered 2xx or 5xx',
  };
  const bad = Object.keys(hostileMixed.statuses).filter((s) => !(Number(s) >= 400 && Number(s) < 500));
  report.met = report.p99Ratio <= 2 && bad.length === 0;
  console.log(JSON.stringify(report, null, 2));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  closeSync(logFd);
  rmSync(dir, { recursive: true, force: true });
}
