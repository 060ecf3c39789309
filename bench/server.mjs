/**
 * Part (d) of the benchmark, run as its own process by `bench/run.mjs`: starts the built reference server
 * (`packages/reference-server/dist/main.js`) as a child process on 127.0.0.1 with a fresh SQLite file in a
 * temporary directory (WAL, synchronous FULL, group commit: the server's defaults), then loads it with
 * autocannon at 50 connections: `POST /v1/packs/<pack>/decisions` (each request decided and durably appended to
 * the hash-chained log before its `201`; the bodies cycle through the pack's suite cases) against `GET /v1/ping`,
 * the app's constant endpoint (no storage, no pack), the floor; `GET /healthz` when the server is older than
 * `/v1/ping`. Both go through the same middleware (request id, access log written to a file, body limit). Rounds
 * alternate the two, after a warm-up of each. Every response must be 2xx; any other count is reported. The
 * server's logs go to a file.
 *
 * Usage: node bench/server.mjs [--seconds 10] [--rounds 3] [--connections 50] [--pack quality-severity]
 *        [--main path/to/main.js]  (another build of the server, e.g. to compare before and after a change)
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, SERVER_MAIN, readBundled } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', 10));
const ROUNDS = Number(option('rounds', 3));
const CONNECTIONS = Number(option('connections', 50));
const PACK = option('pack', 'quality-severity');
const MAIN = resolve(option('main', SERVER_MAIN));
const WARMUP_SECONDS = Math.min(3, Math.max(1, Math.round(SECONDS / 3)));

function skip(reason) {
  process.stdout.write(`${JSON.stringify({ skipped: reason })}\n`);
  process.exit(0);
}

if (!existsSync(MAIN)) skip('packages/reference-server/dist/main.js is not built (run pnpm build) / 参考服务器未构建');
let autocannon;
try {
  autocannon = (await import('autocannon')).default;
} catch {
  skip('autocannon is not installed (pnpm install) / 未安装 autocannon');
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aftersales-bench-server-'));
const logFile = join(dir, 'server.log');
const logFd = openSync(logFile, 'a');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [MAIN], {
  cwd: dir,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFTERSALES_DB_FILE: join(dir, 'aftersales.db'), DATABASE_URL: '' },
  stdio: ['ignore', logFd, logFd],
});
let exited = null;
server.on('exit', (code, signal) => (exited = { code, signal }));

async function stopServer() {
  if (exited) return;
  const done = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await done;
  clearTimeout(timer);
}

function fail(message) {
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-1500) : '';
  throw new Error(`${message}\n--- server log ---\n${tail}`);
}

try {
  // Wait until it answers.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) fail(`the server exited (${JSON.stringify(exited)}) before answering`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) fail('the server did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }

  const suite = readBundled().find((b) => b.id === PACK)?.suite;
  if (!suite) fail(`no bundled pack ${PACK}`);
  const bodies = suite.cases
    .filter((c) => !c.expect?.error)
    .map((c) => JSON.stringify({ facts: c.facts, asOf: c.asOf ?? suite.asOf, ...(c.parameters ? { parameters: c.parameters } : {}) }));
  const decisionPath = `/v1/packs/${PACK}/decisions`;
  const json = { 'content-type': 'application/json' };
  // Every body must decide (201) before it is used for load.
  const usable = [];
  for (const body of bodies) {
    const res = await fetch(`${base}${decisionPath}`, { method: 'POST', headers: json, body });
    await res.arrayBuffer();
    if (res.status === 201) usable.push(body);
  }
  if (usable.length === 0) fail(`no suite case of ${PACK} was answered 201`);

  const ping = await fetch(`${base}/v1/ping`);
  await ping.arrayBuffer();
  const constantPath = ping.ok ? '/v1/ping' : '/healthz';
  const targets = {
    decisions: { requests: usable.map((body) => ({ method: 'POST', path: decisionPath, headers: json, body })) },
    constant: { requests: [{ method: 'GET', path: constantPath }] },
  };

  const load = (name, duration) =>
    new Promise((resolve, reject) => {
      autocannon({ url: base, connections: CONNECTIONS, duration, ...targets[name] }, (error, result) => (error ? reject(error) : resolve(result)));
    });

  await load('constant', WARMUP_SECONDS);
  await load('decisions', WARMUP_SECONDS);
  const rounds = { decisions: [], constant: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['constant', 'decisions'] : ['decisions', 'constant'];
    for (const name of order) {
      if (exited) fail(`the server exited (${JSON.stringify(exited)}) during the load`);
      const result = await load(name, SECONDS);
      rounds[name].push({
        requestsPerSecond: result.requests.total / (result.duration || SECONDS),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        maxMs: result.latency.max,
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      });
    }
  }
  const dbBytes = ['aftersales.db', 'aftersales.db-wal'].map((f) => join(dir, f)).filter(existsSync).reduce((s, f) => s + statSync(f).size, 0);
  process.stdout.write(
    `${JSON.stringify({ pack: PACK, constantPath, connections: CONNECTIONS, seconds: SECONDS, bodies: usable.length, storage: 'sqlite (temp file)', dbMiB: dbBytes / 1048576, rounds })}\n`,
  );
} finally {
  await stopServer();
  closeSync(logFd);
  rmSync(dir, { recursive: true, force: true });
}
