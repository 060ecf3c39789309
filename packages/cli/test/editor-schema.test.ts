/**
 * A pack made by `aftersales init` in an editor: vscode-json-languageservice (the engine of VS Code's JSON support)
 * loads the schema the pack's `$schema` names (the pack's own editor schema, written beside it), offline, offers the
 * operators at an operator position and the pack's own fact and parameter names, and flags a misspelt hit policy, a
 * misspelt fact or parameter name and an unknown key; the suite's `$schema` does the same for a misspelt `expect` key. A
 * second run drops `$schema` and maps the files by pattern, with the `json.schemas` of docs/editor-setup.md.
 * The project is a temp folder whose `node_modules/@aftersales/core` links to packages/core, as an install would.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLanguageService, TextDocument, type LanguageService } from 'vscode-json-languageservice';
import { assertBuilt, root, runCli } from './run-cli.js';

const project = mkdtempSync(join(tmpdir(), 'aftersales-editor-'));
const packDir = join(project, 'packs/claim-review');

function service(schemas: { uri: string; fileMatch: string[] }[] = []): LanguageService {
  const ls = getLanguageService({
    schemaRequestService: async (uri) => readFileSync(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (relativePath, resource) => new URL(relativePath, resource).href },
  });
  ls.configure({ validate: true, allowComments: false, schemas });
  return ls;
}

/** A document of the pack folder whose text is `text`, with the offset of `at` in it (when given). */
function open(file: string, text: string): TextDocument {
  return TextDocument.create(pathToFileURL(join(packDir, file)).href, 'json', 1, text);
}

async function completionsAt(ls: LanguageService, file: string, text: string, marker: string): Promise<string[]> {
  const offset = text.indexOf(marker);
  expect(offset, `${marker} in the text`).toBeGreaterThan(-1);
  const doc = open(file, text.replace(marker, ''));
  const list = await ls.doComplete(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
  return (list?.items ?? []).map((i) => i.label.replace(/^"|"$/g, ''));
}

async function diagnostics(ls: LanguageService, file: string, text: string): Promise<string[]> {
  const doc = open(file, text);
  return (await ls.doValidation(doc, ls.parseJSONDocument(doc))).map((d) => `${doc.getText(d.range)}: ${d.message}`);
}

let pack = '';
let suite = '';

beforeAll(async () => {
  assertBuilt();
  mkdirSync(join(project, 'node_modules/@aftersales'), { recursive: true });
  symlinkSync(join(root, 'packages/core'), join(project, 'node_modules/@aftersales/core'), 'dir');
  const r = await runCli(['init', packDir, '--effective-from', '2026-01-01']);
  expect(r.code, r.stderr).toBe(0);
  pack = readFileSync(join(packDir, 'pack.json'), 'utf8');
  suite = readFileSync(join(packDir, 'claim-review.test.json'), 'utf8');
});

describe('a scaffolded pack in the JSON language service', () => {
  it('writes what docs/examples/starter shows (apart from the suite schema path), its editor schema included', () => {
    const bare = (text: string) => text.replace(/^ {2}"\$schema": .*\n/m, '');
    const starter = join(root, 'docs/examples/starter');
    expect(bare(pack)).toBe(bare(readFileSync(join(starter, 'pack.json'), 'utf8')));
    expect(bare(suite)).toBe(bare(readFileSync(join(starter, 'claim-review.test.json'), 'utf8')));
    expect(readFileSync(join(packDir, 'pack.schema.json'), 'utf8')).toBe(readFileSync(join(starter, 'pack.schema.json'), 'utf8'));
  });

  it('names the pack schema written beside it, and the installed suite schema by a relative path into node_modules', () => {
    expect(JSON.parse(pack).$schema).toBe('./pack.schema.json');
    expect(JSON.parse(readFileSync(join(packDir, 'pack.schema.json'), 'utf8')).$id).toBe('https://aftersales.dev/schema/packs/claim-review.schema.json');
    expect(JSON.parse(suite).$schema).toBe('../../node_modules/@aftersales/core/schema/test-suite.schema.json');
  });

  it('completes the pack own fact name at a condition fact, and its parameter name at a param', async () => {
    const ls = service();
    const atFact = pack.replace('"fact": "claimAmountYuan"', '"fact": "|"');
    expect(await completionsAt(ls, 'pack.json', atFact, '|')).toEqual(['claimAmountYuan']);
    const atParam = pack.replace('"param": "reviewFromYuan"', '"param": "|"');
    expect(await completionsAt(ls, 'pack.json', atParam, '|')).toEqual(['reviewFromYuan']);
  });

  it('flags a misspelt fact name and a misspelt parameter name, with the names the pack has', async () => {
    const ls = service();
    const fact = await diagnostics(ls, 'pack.json', pack.replace('"fact": "claimAmountYuan"', '"fact": "claimAmountYaun"'));
    expect(fact).toEqual([expect.stringMatching(/^"claimAmountYaun": .*claimAmountYuan/s)]);
    const param = await diagnostics(ls, 'pack.json', pack.replace('"param": "reviewFromYuan"', '"param": "reviewFromYaun"'));
    expect(param).toEqual([expect.stringMatching(/^"reviewFromYaun": .*reviewFromYuan/s)]);
  });

  it('completes the outcome values in a rule event params', async () => {
    const text = pack.replace('"decision": "review"\n', '"decision": "|"\n');
    expect(await completionsAt(service(), 'pack.json', text, '|')).toEqual(expect.arrayContaining(['approve', 'review']));
  });

  it('is clean as scaffolded', async () => {
    const ls = service();
    expect(await diagnostics(ls, 'pack.json', pack)).toEqual([]);
    expect(await diagnostics(ls, 'claim-review.test.json', suite)).toEqual([]);
  });

  it('offers the operators at an operator position', async () => {
    const text = pack.replace('"operator": "greaterThanInclusive"', '"operator": "|"');
    const labels = await completionsAt(service(), 'pack.json', text, '|');
    expect(labels).toEqual(expect.arrayContaining(['greaterThanInclusive', 'lessThan', 'equal', 'notIn']));
  });

  it('flags a misspelt hit policy with the allowed values, and an unknown key', async () => {
    const ls = service();
    const typo = await diagnostics(ls, 'pack.json', pack.replace('"hitPolicy": "first"', '"hitPolicy": "frist"'));
    expect(typo).toEqual([expect.stringMatching(/^"frist": .*first.*collect/s)]);
    const unknown = await diagnostics(ls, 'pack.json', pack.replace('"hitPolicy"', '"hitPolicyy"'));
    expect(unknown.some((d) => d.startsWith('"hitPolicyy"'))).toBe(true);
    const suiteTypo = await diagnostics(ls, 'claim-review.test.json', suite.replace('"outcome"', '"outcom"'));
    expect(suiteTypo.some((d) => d.startsWith('"outcom"'))).toBe(true);
  });

  it('flags a misspelt key inside a rule, an event and a condition, and accepts meta there', async () => {
    const ls = service();
    const doc = JSON.parse(pack) as { rules: Array<Record<string, unknown> & { event: Record<string, unknown>; conditions: { all: Array<Record<string, unknown>> } }> };
    const typos = structuredClone(doc);
    Object.assign(typos.rules[0]!, { priorty: 5 });
    Object.assign(typos.rules[0]!.event, { parms: {} });
    Object.assign(typos.rules[0]!.conditions.all[0]!, { opertor: 'equal' });
    const flagged = await diagnostics(ls, 'pack.json', JSON.stringify(typos, null, 2));
    for (const key of ['priorty', 'parms', 'opertor']) expect(flagged.some((d) => d.startsWith(`"${key}"`)), key).toBe(true);
    const withMeta = structuredClone(doc);
    Object.assign(withMeta.rules[0]!, { meta: { ticket: 'OPS-1' } });
    Object.assign(withMeta.rules[0]!.event, { meta: {} });
    Object.assign(withMeta.rules[0]!.conditions.all[0]!, { meta: { id: 'c1' } });
    expect(await diagnostics(ls, 'pack.json', JSON.stringify(withMeta, null, 2))).toEqual([]);
  });

  it('works the same by file pattern with the json.schemas of docs/editor-setup.md', async () => {
    const settings = JSON.parse(readFileSync(join(root, 'docs/examples/editor/vscode-settings.json'), 'utf8')) as {
      'json.schemas': { fileMatch: string[]; url: string }[];
    };
    const workspace = pathToFileURL(`${project}/`).href;
    const ls = service(settings['json.schemas'].map((s) => ({ fileMatch: s.fileMatch, uri: new URL(s.url, workspace).href })));
    const bare = (text: string) => text.replace(/^ {2}"\$schema": .*\n/m, '');
    const text = bare(pack).replace('"operator": "greaterThanInclusive"', '"operator": "|"');
    expect(await completionsAt(ls, 'pack.json', text, '|')).toContain('greaterThanInclusive');
    expect(await diagnostics(ls, 'pack.json', bare(pack).replace('"hitPolicy": "first"', '"hitPolicy": "frist"'))).toHaveLength(1);
    expect(await diagnostics(ls, 'claim-review.test.json', bare(suite).replace('"outcome"', '"outcom"'))).not.toEqual([]);
  });
});
