/**
 * Runs `pnpm examples` (examples/run-all.mjs) as the test suite sees it: every example must print exactly its
 * checked OUTPUT.txt. Also pins the line diff the runner prints on a difference, since a runner that never
 * reports a difference would let every example pass.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module without types
import { lineDiff } from './run-all.mjs';

const here = dirname(fileURLToPath(import.meta.url));

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb')).toBe('');
  });
  it('shows a changed line as - expected then + actual, with context', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toBe('  a\n- b\n+ x\n  c');
  });
  it('shows added and removed lines', () => {
    expect(lineDiff('a\nb', 'a\nb\nc')).toBe('  a\n  b\n+ c');
    expect(lineDiff('a\nb\nc', 'a\nc')).toBe('  a\n- b\n  c');
  });
});

describe('pnpm examples', () => {
  it('runs every example and each prints its OUTPUT.txt', () => {
    const run = spawnSync(process.execPath, [join(here, 'run-all.mjs')], { encoding: 'utf8', timeout: 300_000 });
    expect(run.stdout).toMatch(/^(\d+)\/\1 examples match their OUTPUT\.txt$/m);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('fails with a diff when an example prints something else than its OUTPUT.txt', () => {
    const run = spawnSync(process.execPath, [join(here, 'run-all.mjs'), '--dir', join(here, 'fixtures')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL 99-mismatch: stdout differs from OUTPUT.txt (- expected, + actual)');
    expect(run.stdout).toContain('    - total: 3\n    + total: 4');
    expect(run.stdout).toContain('0/1 examples match their OUTPUT.txt');
  });

  it('reports an example that exits 77 as skipped, with the reason it gave, and does not fail the run', () => {
    const run = spawnSync(process.execPath, [join(here, 'run-all.mjs'), '--dir', join(here, 'fixtures'), '98'], { encoding: 'utf8' });
    expect(run.stdout).toContain('SKIP 98-needs-a-tool: some-tool not found on the PATH');
    expect(run.stdout).toContain('1 skipped (see SKIP above)\n0/0 examples match their OUTPUT.txt');
    expect(run.status).toBe(0);
  });

  it('exits 2 when no example matches the filter', () => {
    const run = spawnSync(process.execPath, [join(here, 'run-all.mjs'), 'no-such-example'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });
});
