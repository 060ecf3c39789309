/**
 * `aftersales init <dir>`: the folder it writes passes `validate`, `test --coverage --threshold 100` and `lint` as
 * written; it keeps an existing pack unless `--force`; a folder name that is not a pack id needs `--id`.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-init-'));

beforeAll(() => assertBuilt());

describe('aftersales init', () => {
  it('writes a pack, its suite and a README that pass validate, test with full coverage, and lint', async () => {
    const dir = join(tmp, 'claim-review');
    const r = await runCli(['init', dir, '--effective-from', '2026-01-01']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['pack.json', 'claim-review.test.json', 'README.md']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'))).toMatchObject({ id: 'claim-review', effective: { from: '2026-01-01' } });
    expect(await runInProcess(['validate', dir])).toMatchObject({ code: 0 });
    const tested = await runInProcess(['test', dir, '--coverage', '--threshold', '100']);
    expect(tested.code, tested.stdout).toBe(0);
    expect(tested.stdout).toContain('PASS: 5/5');
    expect(tested.stdout).toContain('coverage claim-review: 100%');
    expect(await runInProcess(['lint', dir])).toMatchObject({ code: 0, stdout: 'OK  claim-review\n' });
  });

  it('keeps an existing pack unless --force, and takes --id for a folder name that is not an id', async () => {
    const dir = join(tmp, 'My Pack');
    const noId = await runInProcess(['init', dir]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('pack id My Pack: kebab-case');
    expect((await runInProcess(['init', dir, '--id', 'my-pack'])).code).toBe(0);
    expect(existsSync(join(dir, 'my-pack.test.json'))).toBe(true);
    const again = await runInProcess(['init', dir, '--id', 'my-pack']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect((await runInProcess(['init', dir, '--id', 'my-pack', '--force'])).code).toBe(0);
  });
});
