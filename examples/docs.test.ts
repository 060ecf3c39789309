/**
 * Keeps the documentation honest: every fenced code block of every page under `docs/` must carry a marker on the
 * line just before it saying where it comes from or how it is checked, and this test checks each one against
 * code that runs. Markers:
 *
 * - `<!-- snippet: path#region -->` — the block equals the `// #region name` … `// #endregion name` region of the
 *   file (an example, itself run by `run-all.test.ts`), indentation removed;
 * - `<!-- snippet: path#/json/pointer -->` — the block, as JSON, equals that value of the JSON file (a pack);
 * - `<!-- snippet: path -->` — the block equals the whole file;
 * - `<!-- check: run -->` — a `js` block run as an ES module from the repository root (with `node:assert`
 *   statements in it) must exit 0;
 * - `<!-- check: output path -->` — the block's lines appear, in order and together, in that file (an OUTPUT.txt);
 * - `<!-- check: cli -->` — `$ aftersales …` lines run with the built CLI; the lines after each are its stdout;
 * - `<!-- check: http -->` — a request (`METHOD /path`, headers, blank line, JSON body) and, after `HTTP/1.1 NNN`,
 *   the expected JSON response (a partial match; the string "…" matches any value) against the reference
 *   server's app built in-process, requests of one page in order;
 * - `<!-- check: commands -->` — shell instructions: `pnpm <script>` names a root script (or an example's
 *   `start`), `pnpm -s aftersales <command>` a CLI command, `node <file>` an existing file, and every
 *   `NAME=value` an environment variable the reference server's `main.ts` reads;
 * - `<!-- check: suite-shape -->` — a JSON test suite with only the keys of the suite format.
 * - `<!-- check: consumer -->` — shell lines run by `scripts/consumer-test.mjs` in a project outside this repository
 *   where the packed packages are installed; here every `npm i` names published packages of `packages/`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = join(root, 'docs');
const cliBin = join(root, 'packages/cli/dist/bin.js');
// A folder whose node_modules resolve every @aftersales package (and hono's node adapter): `run` blocks are put there.
const runCwd = join(root, 'examples/05-mount-in-existing-server');

interface Block {
  page: string;
  line: number;
  lang: string;
  marker: string | undefined;
  text: string;
}

/** Every fenced block of a markdown page, with the HTML comment on the line before it. */
function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(docsDir, page), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== fence) body.push(lines[j++]!);
    const previous = i > 0 ? lines[i - 1]!.trim() : '';
    const marker = /^<!--\s*((?:snippet|check):.*?)\s*-->$/.exec(previous)?.[1];
    blocks.push({ page, line: i + 1, lang: open[3] ?? '', marker, text: body.join('\n') });
    i = j;
  }
  return blocks;
}

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/** The text between `// #region name` and `// #endregion name` of a file. */
function region(file: string, name: string): string {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region "${name}"`);
  return dedent(lines.slice(start + 1, end));
}

function pointer(value: unknown, ptr: string): unknown {
  let current = value;
  for (const raw of ptr.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !(key in current)) throw new Error(`no ${ptr}`);
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Durations differ from run to run: `(0.12 ms)` and `1.3 ms` become `(N ms)`, `N ms`. */
const normaliseDurations = (text: string) => text.replace(/\d+(?:\.\d+)? ms\b/g, 'N ms');

/** Partial JSON match: every key expected must match; the string "…" matches any value. */
function partialMatch(actual: unknown, expected: unknown, at = ''): string[] {
  if (expected === '…') return actual === undefined ? [`${at || '/'}: missing`] : [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => partialMatch(actual[i], e, `${at}/${i}`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${at || '/'}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, e]) => partialMatch((actual as Record<string, unknown>)[k], e, `${at}/${k}`));
  }
  return Object.is(actual, expected) ? [] : [`${at || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

const rootScripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: object }).scripts);
const examplePackages = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
  .map((e) => (JSON.parse(readFileSync(join(root, 'examples', e.name, 'package.json'), 'utf8')) as { name: string }).name);
const cliCommands = ['validate', 'test', 'eval', 'explain', 'docs', 'lint', 'import', 'types', 'completion', 'help', 'init', 'publish', 'schema'];
const serverMainSource = readFileSync(join(root, 'packages/reference-server/src/main.ts'), 'utf8');

/** Checks one shell instruction line; returns the problems. */
function checkCommand(line: string): string[] {
  const problems: string[] = [];
  let words = line.trim().split(/\s+/);
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const name = words[0].slice(0, words[0].indexOf('='));
    if (!serverMainSource.includes(`'${name}'`) && !serverMainSource.includes(`env.${name}`)) problems.push(`${name} is not read by the server's main.ts`);
    words = words.slice(1);
  }
  if (words[0] === 'npx' && words[1] === '-y' && /^pnpm@/.test(words[2] ?? '')) words = ['pnpm', ...words.slice(3)];
  if (words[0] === 'pnpm') {
    const rest = words.slice(1).filter((w) => w !== '-s');
    if (rest[0] === 'aftersales') {
      if (!cliCommands.includes(rest[1] ?? '')) problems.push(`aftersales ${rest[1]} is not a CLI command`);
    } else if (rest[0] === '--filter') {
      if (!examplePackages.includes(rest[1] ?? '') || rest[2] !== 'start') problems.push(`pnpm --filter ${rest[1]} ${rest[2]}: not an example's start`);
    } else if (rest[0] !== 'install' && !rootScripts.includes(rest[0] ?? '')) problems.push(`pnpm ${rest[0]} is not a root script`);
  } else if (words[0] === 'node') {
    if (!existsSync(join(root, words[1] ?? ''))) problems.push(`node ${words[1]}: no such file`);
  } else if (words[0] !== undefined && !['cd', 'docker', 'export'].includes(words[0])) {
    problems.push(`unchecked command ${words[0]}`);
  }
  return problems;
}

/** The reference server's app, in-process, for `http` blocks: a fixed clock and counted ids. */
async function makeApp(): Promise<{ request: (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<Response>; close: () => Promise<void> }> {
  const { createApp, SqliteStorage } = await import(join(root, 'packages/reference-server/dist/index.js'));
  const { loadBundledPacks } = await import(join(root, 'packages/rules/dist/index.js'));
  const storage = new SqliteStorage({ file: ':memory:' });
  await storage.migrate();
  let n = 0;
  const app = await createApp({
    packs: loadBundledPacks(),
    storage,
    config: { adminToken: 'docs-admin-token' },
    clock: () => new Date('2026-03-01T01:00:00Z'),
    newId: () => `d-${String(++n).padStart(6, '0')}`,
  });
  return {
    request: (method, path, headers, body) => app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }),
    close: () => storage.close(),
  };
}

async function checkHttp(block: Block, app: Awaited<ReturnType<typeof makeApp>>): Promise<string[]> {
  const [requestText, responseText = ''] = block.text.split(/^(?=HTTP\/1\.1 \d{3})/m);
  const requestLines = requestText!.split('\n');
  const [method, path] = requestLines[0]!.trim().split(/\s+/);
  const headers: Record<string, string> = {};
  let i = 1;
  for (; i < requestLines.length && requestLines[i]!.trim() !== ''; i++) {
    const line = requestLines[i]!;
    headers[line.slice(0, line.indexOf(':')).trim()] = line.slice(line.indexOf(':') + 1).trim();
  }
  const body = requestLines.slice(i).join('\n').trim();
  const res = await app.request(method!, path!, headers, body === '' ? undefined : body);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(responseText)?.[1]);
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status: expected ${status}, got ${res.status}`);
  const expectedBody = responseText.replace(/^HTTP\/1\.1 .*$/m, '').trim();
  if (expectedBody !== '') {
    const actual = (await res.json()) as unknown;
    problems.push(...partialMatch(actual, JSON.parse(expectedBody)).map((p) => `body ${p}`));
  }
  return problems;
}

/** Checks one block (except http blocks, which need the page's app); returns the problems. */
function checkBlock(block: Block): string[] {
  const marker = block.marker!;
  const snippet = /^snippet:\s*([^#\s]+)(?:#(\S+))?$/.exec(marker);
  if (snippet) {
    const [, file, ref] = snippet;
    if (!existsSync(join(root, file!))) return [`${file} does not exist`];
    if (ref?.startsWith('/')) {
      const value = pointer(JSON.parse(readFileSync(join(root, file!), 'utf8')), ref);
      expect(JSON.parse(block.text), `${file}#${ref}`).toEqual(value);
      return [];
    }
    const source = ref ? region(file!, ref) : readFileSync(join(root, file!), 'utf8').trimEnd();
    expect(block.text, `${file}${ref ? `#${ref}` : ''}`).toBe(source);
    return [];
  }
  if (marker === 'check: run') {
    // Written beside an example so that its imports resolve; run from the repository root, so that the
    // relative paths a reader would use from a checkout work as written.
    const file = join(runCwd, `.docs-run-${process.pid}-${block.page.replace(/\W/g, '-')}-${block.line}.mjs`);
    writeFileSync(file, block.text);
    try {
      const run = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      return run.status === 0 ? [] : [`the block exits ${run.status}: ${run.stderr}`];
    } finally {
      rmSync(file, { force: true });
    }
  }
  const output = /^check:\s*output\s+(\S+)$/.exec(marker);
  if (output) {
    const haystack = readFileSync(join(root, output[1]!), 'utf8').split('\n').map((l) => l.trimEnd()).join('\n');
    const needle = block.text.split('\n').map((l) => l.trimEnd()).join('\n');
    return haystack.includes(needle) ? [] : [`these lines are not in ${output[1]}`];
  }
  if (marker === 'check: cli') {
    const problems: string[] = [];
    const parts = block.text.split(/^\$ /m).filter((p) => p.trim() !== '');
    for (const part of parts) {
      const [command, ...expected] = part.split('\n');
      // Words split at blanks, a '…' quoted word kept whole (inline JSON), as a shell would.
      const args = (command!.trim().match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/s, '$1'));
      if (args[0] !== 'aftersales') return [`a cli block runs aftersales only, not ${args[0]}`];
      const run = spawnSync(process.execPath, [cliBin, ...args.slice(1)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      const actual = normaliseDurations(run.stdout.trimEnd());
      const want = normaliseDurations(expected.join('\n').trimEnd());
      if (actual !== want) problems.push(`\`${command}\` printed:\n${run.stdout}`);
    }
    return problems;
  }
  if (marker === 'check: commands') {
    return block.text
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim())
      .filter((l) => l !== '')
      .flatMap((l) => l.split('&&').flatMap((c) => checkCommand(c)));
  }
  if (marker === 'check: consumer') {
    const published = new Set(
      readdirSync(join(root, 'packages')).map((d) => JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')).name as string),
    );
    return block.text
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => /^npm i\b/.test(l))
      .flatMap((l) => l.split(/\s+/).slice(2).filter((w) => !w.startsWith('-') && !published.has(w)).map((w) => `${w} is not a package of packages/`));
  }
  if (marker === 'check: suite-shape') {
    const suite = JSON.parse(block.text) as Record<string, unknown>;
    const problems = Object.keys(suite).filter((k) => !['pack', 'asOf', 'cases'].includes(k)).map((k) => `suite key ${k}`);
    for (const c of suite.cases as Array<Record<string, unknown>>) {
      problems.push(...Object.keys(c).filter((k) => !['name', 'facts', 'asOf', 'parameters', 'expect'].includes(k)).map((k) => `case key ${k}`));
      problems.push(...Object.keys(c.expect as object).filter((k) => !['outcome', 'fired', 'error'].includes(k)).map((k) => `expect key ${k}`));
    }
    return problems;
  }
  return [`unknown marker "${marker}"`];
}

// The README's blocks are held to the same rules as the docs pages.
const pages = [...readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort(), '../README.md'];

describe('docs', () => {
  it('has the pages the issue asks for, each opening with a table of contents', () => {
    for (const page of pages.filter((p) => p !== '../README.md')) {
      const text = readFileSync(join(docsDir, page), 'utf8');
      expect(text, page).toMatch(/^# .+\n\n(- \[.+\]\(#.+\)\n)+/);
      for (const [, anchor] of text.matchAll(/^- \[.+?\]\(#([^)]+)\)$/gm)) {
        const headings = [...text.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
          m[1]!.toLowerCase().replace(/[`'"()/,.:?]/g, '').replace(/\s+/g, '-'),
        );
        expect(headings, `${page}: the table of contents links #${anchor}`).toContain(anchor);
      }
    }
  });

  for (const page of pages) {
    const blocks = blocksOf(page);
    describe(page, () => {
      it('marks every code block with where it comes from or how it is checked', () => {
        const unmarked = blocks.filter((b) => b.marker === undefined).map((b) => `${page}:${b.line}`);
        expect(unmarked).toEqual([]);
      });
      for (const block of blocks.filter((b) => b.marker !== undefined && b.marker !== 'check: http')) {
        it(`line ${block.line}: ${block.marker}`, () => {
          expect(checkBlock(block)).toEqual([]);
        });
      }
      const http = blocks.filter((b) => b.marker === 'check: http');
      if (http.length > 0) {
        it(`${http.length} HTTP exchanges answer as shown (in order, one server)`, async () => {
          const app = await makeApp();
          try {
            for (const block of http) expect(await checkHttp(block, app), `${page}:${block.line}`).toEqual([]);
          } finally {
            await app.close();
          }
        });
      }
    });
  }
});
