/**
 * Part (c) of the benchmark, run as its own process by `bench/run.mjs`: generates N claims as JSONL (a fixed
 * pseudo-random sequence of quality-severity facts, the same every run), then runs the built CLI,
 * `node packages/cli/dist/bin.js eval <pack> --input claims.jsonl --output decisions.jsonl --as-of <ISO>`, several
 * times under `/usr/bin/time -v` (wall time, peak resident memory) and once over a tenth of the lines, so that
 * "flat memory" is a measured comparison: the peak RSS of N lines against N/10 lines. Without `/usr/bin/time`
 * the peak RSS comes from the CLI's own summary (`process.resourceUsage().maxRSS`) and the wall time from this
 * process's clock. Each run's output is checked: one line per claim, no error records.
 *
 * Usage: node bench/cli-batch.mjs [--lines 1000000] [--runs 3] [--pack quality-severity]
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLI_BIN, ROOT } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const LINES = Number(option('lines', 1_000_000));
const RUNS = Number(option('runs', 3));
const PACK = option('pack', 'quality-severity');
const AS_OF = '2026-01-15T10:00:00+08:00';
const TIME = '/usr/bin/time';

if (!existsSync(CLI_BIN)) {
  process.stdout.write(`${JSON.stringify({ skipped: `packages/cli/dist/bin.js is not built (run pnpm build) / CLI 未构建` })}\n`);
  process.exit(0);
}

/** mulberry32: a small seeded PRNG, so every run generates the same claims. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One quality-severity claim: most fields at their everyday values, some raised, amounts around the thresholds. */
function claim(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const facts = {};
  if (random() < 0.05) facts.casualties = pick([0, 1, 2]);
  if (random() < 0.1) facts.majorAccident = random() < 0.5;
  if (random() < 0.1) facts.mediaExposure = pick(['none', 'imminent', 'published']);
  if (random() < 0.3) {
    facts.manufacturingFault = random() < 0.5;
    facts.customerLoss = random() < 0.5;
    facts.customerComplaint = random() < 0.5;
  }
  if (random() < 0.3) facts.companyLossYuan = Math.round(random() * 200_000);
  if (random() < 0.3) facts.vehicleValueYuan = Math.round(50_000 + random() * 150_000);
  facts.complaintFrequency = pick(['low', 'low', 'low', 'high', 'very-high']);
  if (random() < 0.3) facts.functionalDefect = random() < 0.5;
  facts.salesImpact = pick(['none', 'none', 'none', 'possible', 'direct']);
  if (random() < 0.2) facts.breakdown = random() < 0.5;
  facts.claimAmountYuan = pick([0, 9_999, 10_000, 49_999, 50_000, Math.round(random() * 80_000)]);
  return facts;
}

/** Writes `lines` claims to `file`, in chunks, respecting back-pressure. */
async function generate(file, lines) {
  const random = prng(20261127);
  const out = createWriteStream(file);
  const CHUNK = 10_000;
  for (let done = 0; done < lines; done += CHUNK) {
    const rows = [];
    for (let i = done; i < Math.min(lines, done + CHUNK); i++) rows.push(JSON.stringify(claim(random)));
    if (!out.write(`${rows.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** Counts lines and error records of a decisions file. */
async function checkOutput(file) {
  let lines = 0;
  let errors = 0;
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of reader) {
    lines++;
    if (line.startsWith('{"line":')) errors++;
  }
  return { lines, errors };
}

/** `h:mm:ss` or `m:ss.cc` from GNU time → seconds. */
function clockSeconds(text) {
  const parts = text.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Runs the CLI once over `input`; wall seconds and peak RSS in MiB. */
function runCli(input, output) {
  const useTime = existsSync(TIME);
  const cli = ['node', CLI_BIN, 'eval', PACK, '--input', input, '--output', output, '--as-of', AS_OF];
  const [command, ...argv] = useTime ? [TIME, '-v', ...cli] : cli;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const clock = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`CLI exited ${code}: ${stderr.slice(-2000)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(stderr);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const own = /peak RSS (\d+) MiB/.exec(stderr);
      const cliSeconds = /errors in ([\d.]+) s/.exec(stderr);
      resolve({
        seconds: wall ? clockSeconds(wall[1]) : clock,
        peakRssMiB: rss ? Number(rss[1]) / 1024 : own ? Number(own[1]) : NaN,
        cliReportedSeconds: cliSeconds ? Number(cliSeconds[1]) : null,
        source: wall ? '/usr/bin/time -v' : 'wrapper clock + CLI summary (process.resourceUsage)',
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aftersales-bench-cli-'));
try {
  const big = join(dir, 'claims.jsonl');
  const small = join(dir, 'claims-tenth.jsonl');
  const out = join(dir, 'decisions.jsonl');
  const genStarted = performance.now();
  await generate(big, LINES);
  await generate(small, Math.max(1, Math.round(LINES / 10)));
  const generateSeconds = (performance.now() - genStarted) / 1000;

  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const result = await runCli(big, out);
    const check = await checkOutput(out);
    if (check.lines !== LINES || check.errors !== 0) throw new Error(`CLI wrote ${check.lines} lines with ${check.errors} errors for ${LINES} claims`);
    runs.push(result);
  }
  const outputMiB = statSync(out).size / 1048576;
  const tenth = await runCli(small, out);
  process.stdout.write(
    `${JSON.stringify({
      pack: PACK,
      lines: LINES,
      inputMiB: statSync(big).size / 1048576,
      outputMiB,
      generateSeconds,
      runs,
      tenth: { lines: Math.round(LINES / 10), ...tenth },
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
