/**
 * The published shape of @aftersales/rules, read from the tarball `pnpm pack` writes (the package must be built):
 * each pack's JSON and suite is shipped once, in `packs/`, and not again inside the bundles; the main entry
 * imports no suite; and the tarball stays within a size budget. Before the JSON was kept out of the bundles the
 * tarball was 341,006 bytes (each document three times: the ESM bundle, the CommonJS bundle and `packs/`, plus
 * twice more in the source maps); after, about 103,000.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pnpmCommand } from '../../../scripts/pnpm-command.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Gzipped tarball budget. The packs' JSON, READMEs and generated types are most of it: about 284 KB gzipped with
 * 14 packs after the third fidelity round (218 KB before it, 103 KB with 11 packs before that); the budget leaves
 * room for a few more packs while still catching a pack shipped twice or a suite inlined into a bundle (each would
 * add 100 KB or more).
 */
const TARBALL_BUDGET_BYTES = 330_000;
/** The bundles without their maps: code only, a few KB each, never a pack document. */
const DIST_CODE_BUDGET_BYTES = 64_000;

const packIds = readdirSync(join(ROOT, 'packs')).filter((d) => existsSync(join(ROOT, 'packs', d, 'pack.json')));

let dir: string;
let tarball: string;
let entries: Map<string, string>;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('build @aftersales/rules first (pnpm build)');
  dir = mkdtempSync(join(tmpdir(), 'aftersales-rules-pack-'));
  const [command, ...args] = pnpmCommand('pack', '--pack-destination', dir);
  execFileSync(command!, args, { cwd: ROOT, stdio: 'pipe' });
  const file = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!file) throw new Error('pnpm pack wrote no tarball');
  tarball = join(dir, file);
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  entries = new Map();
  const walk = (sub: string): void => {
    for (const d of readdirSync(join(dir, 'package', sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${d.name}` : d.name;
      if (d.isDirectory()) walk(rel);
      else entries.set(rel, readFileSync(join(dir, 'package', rel), 'utf8'));
    }
  };
  walk('');
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed @aftersales/rules tarball', () => {
  it('ships every pack document and suite once, in packs/', () => {
    for (const id of packIds) {
      expect(entries.get(`packs/${id}/pack.json`), id).toBe(readFileSync(join(ROOT, 'packs', id, 'pack.json'), 'utf8'));
      expect(entries.has(`packs/${id}/${id}.test.json`), id).toBe(true);
      expect(entries.has(`packs/${id}/README.md`), id).toBe(true);
    }
    expect([...entries.keys()].filter((f) => f.endsWith('.json') && f !== 'package.json').length).toBe(packIds.length * 2);
  });

  it('carries no pack document inside a bundle or a source map', () => {
    for (const id of packIds) {
      // A pack's title is in its pack.json only; a bundle that inlined the document would carry it.
      const title = (JSON.parse(readFileSync(join(ROOT, 'packs', id, 'pack.json'), 'utf8')) as { title: { en: string } }).title.en;
      const carriers = [...entries].filter(([f, text]) => f.startsWith('dist/') && text.includes(JSON.stringify(title))).map(([f]) => f);
      expect(carriers, id).toEqual([]);
    }
  });

  it('keeps the suites out of the main entry, and offers each one under suites/', () => {
    for (const entry of ['dist/index.js', 'dist/index.cjs']) expect(entries.get(entry), entry).not.toMatch(/\.test\.json/);
    for (const id of packIds) {
      expect(entries.get(`dist/suites/${id}.js`), id).toContain(`../../packs/${id}/${id}.test.json`);
      expect(entries.get(`dist/suites/${id}.cjs`), id).toContain(`../../packs/${id}/${id}.test.json`);
    }
  });

  it(`stays within its budgets (${TARBALL_BUDGET_BYTES} bytes gzipped, ${DIST_CODE_BUDGET_BYTES} bytes of code)`, () => {
    expect(statSync(tarball).size).toBeLessThanOrEqual(TARBALL_BUDGET_BYTES);
    const code = [...entries].filter(([f]) => f.startsWith('dist/') && /\.c?js$/.test(f)).reduce((n, [, text]) => n + Buffer.byteLength(text), 0);
    expect(code).toBeLessThanOrEqual(DIST_CODE_BUDGET_BYTES);
  });

  it('ships a README and the MIT LICENSE', () => {
    expect(entries.get('README.md')).toContain('npm i @aftersales/core @aftersales/rules');
    expect(entries.get('LICENSE')).toContain('MIT License');
  });
});
