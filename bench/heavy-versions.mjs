/**
 * Heavy pack versions across two replicas and a restart. Starts two built reference servers (replica A and B,
 * child processes) on one SQLite file, uploads to A a version of quality-severity's shape with N rules (default
 * 100,000) and then:
 * - replica B takes in the upload: seconds from A's answer until B lists the version, and B's `/healthz`
 *   latencies meanwhile;
 * - A activates it (forced, no impact run): the activation's duration and A's `/healthz` latencies during it; then
 *   seconds until B decides with it, and B's `/healthz` latencies meanwhile;
 * - a later small change (a 13-rule version uploaded to A): B's `/healthz` latencies until B lists it (before,
 *   every change made B re-read every stored document);
 * - A restarted (SIGTERM, then started again on the same file): seconds from spawn to `/readyz` 200.
 * `/healthz` is sent one request after another, 20 ms apart, and the latencies are given as count, p50, p99, max.
 * The machine's load average is printed with the figures: run it with nothing else heavy, or say what ran.
 *
 * Usage: node bench/heavy-versions.mjs [--rules 100000] [--main path/to/main.js]
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_MAIN, PACKS_DIR } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RULES = Number(option('rules', 100_000));
const MAIN = resolve(option('main', SERVER_MAIN));
if (!existsSync(MAIN)) {
  console.error(`${MAIN} is not built (run pnpm build)`);
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((res, rej) => {
    const probe = createServer();
    probe.on('error', rej);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => res(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'aftersales-heavy-'));
const logFd = openSync(join(dir, 'server.log'), 'a');
const ADMIN = { authorization: 'Bearer bench' };

async function start(port) {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFTERSALES_DB_FILE: join(dir, 'a.db'), DATABASE_URL: '', AFTERSALES_ADMIN_TOKEN: 'bench', AFTERSALES_BODY_LIMIT: String(64 << 20), AFTERSALES_ADMIN_BUDGET_MS: '600000' },
    stdio: ['ignore', logFd, logFd],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { child, base, readySeconds: (performance.now() - started) / 1000 };
    } catch {
      // not up yet
    }
    await sleep(20);
  }
  throw new Error(`server on ${port} did not become ready`);
}

async function stop(server) {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
}

/** Sends /healthz one after another until `done()`; resolves with the latencies (ms). */
async function probe(base, done) {
  const latencies = [];
  while (!done()) {
    const sent = performance.now();
    // A keep-alive socket the server closes as its event loop wakes resets once: the retry counts in the latency.
    for (let attempt = 0; ; attempt++) {
      try {
        await (await fetch(`${base}/healthz`)).arrayBuffer();
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
    latencies.push(performance.now() - sent);
    await sleep(20);
  }
  return latencies;
}
const summary = (latencies) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 10) / 10;
  return { answered: sorted.length, p50ms: at(0.5), p99ms: at(0.99), maxms: at(1) };
};
const round = (s) => Math.round(s * 100) / 100;

async function until(check) {
  for (;;) {
    if (await check()) return;
    await sleep(10);
  }
}
const lists = (base, version) => async () => ((await (await fetch(`${base}/v1/packs/quality-severity/versions`)).json()).versions ?? []).some((v) => v.version === version);
const decidesWith = (base, version) => async () => (await (await fetch(`${base}/v1/packs/quality-severity`)).json()).version === version;

const load = { start: os.loadavg().map((l) => Math.round(l * 100) / 100) };
let a;
let b;
try {
  a = await start(await freePort());
  b = await start(await freePort());
  const doc = JSON.parse(readFileSync(join(PACKS_DIR, 'quality-severity', 'pack.json'), 'utf8'));
  const suite = JSON.parse(readFileSync(join(PACKS_DIR, 'quality-severity', 'quality-severity.test.json'), 'utf8'));
  const small = { ...structuredClone(doc), version: '9.0.1' };
  doc.version = '9.0.0';
  const rule = doc.rules[0];
  for (let i = doc.rules.length; i < RULES; i++) {
    doc.rules.push({ name: `bench-${i}`, source: rule.source, conditions: { all: [{ fact: 'claimAmountYuan', operator: 'equal', value: 1e9 + i }] }, event: rule.event });
  }
  const put = async (pack) => {
    const res = await fetch(`${a.base}/v1/packs/quality-severity/versions/${pack.version}`, { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ pack, suite }) });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`upload ${pack.version}: ${res.status}`);
  };

  // 1. Upload to A; B takes it in.
  let uploadStarted = performance.now();
  await put(doc);
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;
  let seen = false;
  let answered = performance.now();
  const bDuringUpload = probe(b.base, () => seen);
  await until(lists(b.base, '9.0.0'));
  seen = true;
  const replicaUpload = { seconds: round((performance.now() - answered) / 1000), healthzB: summary(await bDuringUpload) };

  // 2. Activate on A; B follows.
  let activated = false;
  const aDuring = probe(a.base, () => activated);
  const bDuring = probe(b.base, () => activated);
  const activating = performance.now();
  const res = await fetch(`${a.base}/v1/packs/quality-severity/versions/9.0.0/activate`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ force: true, reason: 'bench' }) });
  await res.arrayBuffer();
  activated = true;
  if (res.status !== 200) throw new Error(`activate: ${res.status}`);
  const activation = { seconds: round((performance.now() - activating) / 1000), healthzA: summary(await aDuring), healthzBMeanwhile: summary(await bDuring) };
  answered = performance.now();
  let followed = false;
  const bFollowing = probe(b.base, () => followed);
  await until(decidesWith(b.base, '9.0.0'));
  followed = true;
  const replicaActivation = { secondsAfterAnswer: round((performance.now() - answered) / 1000), healthzB: summary(await bFollowing) };

  // 3. A later small change: B hears of it.
  await put(small);
  answered = performance.now();
  let heard = false;
  const bLater = probe(b.base, () => heard);
  await until(lists(b.base, '9.0.1'));
  heard = true;
  const replicaLaterChange = { seconds: round((performance.now() - answered) / 1000), healthzB: summary(await bLater) };

  // 4. Restart A with the 100,000-rule version stored and active.
  await stop(a);
  const port = Number(new URL(a.base).port);
  a = await start(port);
  const restart = { secondsToReady: round(a.readySeconds), active: (await (await fetch(`${a.base}/v1/packs/quality-severity`)).json()).version };

  load.end = os.loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, node: process.version, loadavg: load },
        main: MAIN,
        rules: doc.rules.length,
        upload: { seconds: round(uploadSeconds) },
        replicaUpload,
        activation,
        replicaActivation,
        replicaLaterChange,
        restart,
      },
      null,
      2,
    ),
  );
} finally {
  if (a) await stop(a).catch(() => undefined);
  if (b) await stop(b).catch(() => undefined);
  closeSync(logFd);
  rmSync(dir, { recursive: true, force: true });
}
