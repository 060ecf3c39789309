/**
 * The heavy admin work, as plain functions of plain data so that it runs in the admin worker thread
 * (`worker.ts`) and never on the server's event loop: checking and compiling an uploaded pack version and
 * running the suite sent with it ({@link checkUpload}), and replaying logged decisions under a version
 * ({@link replayImpact}). Packs reach the thread as {@link PackNode}s (a document and the nodes of the versions it
 * was bound to); the thread keeps each compiled composition, so a bundled pack is compiled there once.
 */
import { canonicalJson, loadPack, PackRegistry, PackValidationError, runSuite, type Pack, type Problem, type TestSuite, type WorkingDayCalendar } from '@aftersales/core';
import { chinaWorkingDayCalendar } from '@aftersales/rules';
import { HttpError, toErrorResponse } from '../errors.js';
import { isObject, parseJsonText } from '../json-text.js';
import { screenBatch, type BatchScreen } from '../routes/batch-screen.js';
import { invalidRequest, parseDecisionRequest } from '../routes/decision-request.js';
import type { UsedPack } from '../storage/types.js';
import type { PackNode } from './record.js';

/**
 * What an upload check is given: the request body's bytes (moved to the thread, not copied, and decoded there),
 * the URL's id and version, the active packs.
 */
export interface UploadInput {
  body: ArrayBuffer;
  id: string;
  version: string;
  /** The active version of each pack, by id (an upload's `requires` binds to these). */
  active: Record<string, PackNode>;
}

/** A version that loaded and passed its suite, ready to store. */
export interface UploadResult {
  packHash: string;
  /** Canonical JSON of the validated document (what storage keeps). */
  documentJson: string;
  suite: unknown;
  binding: UsedPack[];
  report: { passed: number; failed: number; coverage: unknown };
}

/** What an impact replay is given. */
export interface ImpactInput {
  pack: PackNode;
  records: Array<{ decisionId: string; seq: number; asOf: string; version: string; facts: unknown; parameters: unknown; outcome: unknown }>;
}

/** A large decision body to screen: its bytes (moved to the thread) and the version it is for. */
export interface ScreenInput {
  body: ArrayBuffer;
  pack: PackNode;
  /** The `asOf` of a request that gives none (the server clock's now). */
  asOf: string;
}

/** A large batch body to screen: as {@link ScreenInput}, with the server's item limit. */
export interface ScreenBatchInput extends ScreenInput {
  batchLimit: number;
}

/** The changes an impact replay found. */
export interface ImpactResult {
  changes: Array<Record<string, unknown>>;
  errors: Array<Record<string, unknown>>;
}

const documents = new Map<string, unknown>();
const compiled = new Map<string, Pack>();
let calendar: WorkingDayCalendar = chinaWorkingDayCalendar;

/**
 * Sets the working-day calendar this thread's packs count (the server's, from the thread's `workerData`): an
 * upload's suite, an impact replay and a screened body count the same working days as the decision route.
 *
 * @param next - the server's calendar; `undefined` keeps China's
 * @example
 * ```ts
 * useCalendar(mergeCalendars(chinaWorkingDayCalendar, nextYear));
 * ```
 */
export function useCalendar(next: WorkingDayCalendar | undefined): void {
  if (!next || (next.id === calendar.id && next.version === calendar.version)) return;
  calendar = next;
  compiled.clear();
}

const keyOf = (node: PackNode): string => `${node.packHash}(${node.deps.map(keyOf).join(',')})`;

/**
 * Keeps every document a task carries, whatever the task then does: the main thread sends each document once
 * per thread and omits it afterwards.
 *
 * @example
 * ```ts
 * keepDocuments({ packHash: 'sha256:…', document: {}, deps: [] });
 * ```
 */
export function keepDocuments(node: PackNode): void {
  if (!documents.has(node.packHash)) {
    const document = node.document ?? (node.documentJson !== undefined ? (JSON.parse(node.documentJson) as unknown) : undefined);
    if (document !== undefined) documents.set(node.packHash, document);
  }
  for (const dep of node.deps) keepDocuments(dep);
}

/**
 * The compiled pack of a node, built once per thread (its dependencies first).
 *
 * @throws PackValidationError when a document no longer loads; Error when a document was never sent
 */
export function loadNode(node: PackNode): Pack {
  const key = keyOf(node);
  const known = compiled.get(key);
  if (known) return known;
  keepDocuments(node);
  const document = documents.get(node.packHash);
  if (document === undefined) throw new Error(`the admin thread has no document with hash ${node.packHash}`);
  const registry = new PackRegistry();
  for (const dep of node.deps) registry.add(loadNode(dep));
  const pack = loadPack(document, { registry, calendar });
  compiled.set(key, pack);
  return pack;
}

const prefix = (at: string, problems: Problem[]): Problem[] => problems.map((p) => ({ ...p, path: `${at}${p.path}` }));
const token = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The `422` of a version that fails validation or its suite.
 *
 * @example
 * ```ts
 * throw unprocessable([{ path: '/pack', message: 'is required', code: 'schema.required' }]);
 * ```
 */
export function unprocessable(problems: Problem[]): HttpError {
  return new HttpError(422, 'INVALID_VERSION', { zh: '规则包版本未通过校验或测试', en: 'the pack version failed validation or its test suite' }, problems);
}

/** Most cases one uploaded suite may hold. */
const MAX_SUITE_CASES = 10_000;

/**
 * Checks the shape of an uploaded test suite before it is run: `{ $schema?, pack?, asOf?, cases: [{ name, facts, asOf?,
 * parameters?, expect: { outcome?, fired?, error? } }] }`, every problem at its JSON pointer.
 *
 * @example
 * ```ts
 * suiteProblems({ cases: [1] }, 'p')[0]?.path // '/suite/cases/0'
 * ```
 */
export function suiteProblems(suite: unknown, id: string): Problem[] {
  const at = '/suite';
  if (!isObject(suite)) return [{ path: at, message: 'must be a test suite with at least one case ({ pack, cases: [...] })', code: 'SUITE_REQUIRED' }];
  const problems: Problem[] = [];
  const extra = (p: string, object: Record<string, unknown>, allowed: string[]): void => {
    for (const key of Object.keys(object)) if (!allowed.includes(key)) problems.push({ path: `${p}/${token(key)}`, message: 'is not allowed', code: 'schema.additionalProperties' });
  };
  const mustBe = (path: string, type: string, message = `must be ${type === 'object' ? 'an' : 'a'} ${type}`): void => {
    problems.push({ path, message, code: 'schema.type', expected: type });
  };
  extra(at, suite, ['$schema', 'pack', 'asOf', 'cases']);
  if (suite.pack !== undefined && suite.pack !== id) problems.push({ path: `${at}/pack`, message: `must equal the pack id (${id})`, code: 'ID_MISMATCH', expected: id, found: suite.pack });
  if (suite.asOf !== undefined && typeof suite.asOf !== 'string') mustBe(`${at}/asOf`, 'string');
  const cases = suite.cases;
  if (!Array.isArray(cases) || cases.length === 0) {
    problems.push({ path: `${at}/cases`, message: 'must be an array with at least one case', code: 'SUITE_REQUIRED' });
    return problems;
  }
  if (cases.length > MAX_SUITE_CASES) {
    problems.push({ path: `${at}/cases`, message: `must have at most ${MAX_SUITE_CASES} cases`, code: 'schema.maxItems', expected: MAX_SUITE_CASES, found: cases.length });
    return problems;
  }
  cases.forEach((item: unknown, i) => {
    const p = `${at}/cases/${i}`;
    if (!isObject(item)) {
      problems.push({ path: p, message: 'must be an object { name, facts, expect }', code: 'schema.type', expected: 'object', found: item === null ? null : Array.isArray(item) ? 'array' : typeof item });
      return;
    }
    extra(p, item, ['name', 'facts', 'asOf', 'parameters', 'expect']);
    if (typeof item.name !== 'string') mustBe(`${p}/name`, 'string');
    if (!isObject(item.facts)) mustBe(`${p}/facts`, 'object');
    if (item.asOf !== undefined && typeof item.asOf !== 'string') mustBe(`${p}/asOf`, 'string');
    if (item.parameters !== undefined && !isObject(item.parameters)) mustBe(`${p}/parameters`, 'object');
    const expect = item.expect;
    if (!isObject(expect)) {
      mustBe(`${p}/expect`, 'object', 'must be an object { outcome?, fired?, error? }');
      return;
    }
    extra(`${p}/expect`, expect, ['outcome', 'fired', 'error']);
    if (expect.outcome !== undefined && !isObject(expect.outcome)) mustBe(`${p}/expect/outcome`, 'object');
    if (expect.fired !== undefined && !(Array.isArray(expect.fired) && expect.fired.every((f) => typeof f === 'string'))) {
      mustBe(`${p}/expect/fired`, 'array', 'must be an array of rule names');
    }
    if (expect.error !== undefined && typeof expect.error !== 'string') mustBe(`${p}/expect/error`, 'string');
  });
  return problems;
}

/**
 * Parses and checks an uploaded version `{ pack, suite }`: the JSON body, ids, the suite's shape, the pack loaded
 * against the active versions of the packs it requires, then its suite run.
 *
 * @returns the version to store (canonical document text, binding, suite summary)
 * @throws HttpError 400/422 with every problem (pack problems under `/pack…`, failing cases under `/suite/cases/{i}`)
 * @example
 * ```ts
 * const result = await checkUpload({ body: await request.arrayBuffer(), id: 'quality-severity', version: '1.1.0', active: {} });
 * ```
 */
export async function checkUpload(input: UploadInput): Promise<UploadResult> {
  const { id, version } = input;
  const body = parseJsonText(new TextDecoder().decode(input.body));
  if (!isObject(body) || !isObject(body.pack)) {
    throw unprocessable([{ path: '/pack', message: "must have required property 'pack' (the pack document)", code: 'schema.required' }]);
  }
  const problems: Problem[] = [];
  if (body.pack.id !== id) problems.push({ path: '/pack/id', message: `must equal the id in the URL (${id})`, code: 'ID_MISMATCH', expected: id, found: body.pack.id });
  if (body.pack.version !== version) {
    problems.push({ path: '/pack/version', message: `must equal the version in the URL (${version})`, code: 'VERSION_MISMATCH', expected: version, found: body.pack.version });
  }
  const suite = body.suite;
  problems.push(...suiteProblems(suite, id));
  // Only the active packs the upload names are compiled here (each once per thread).
  const registry = new PackRegistry();
  const requires = Array.isArray(body.pack.requires) ? (body.pack.requires as unknown[]) : [];
  for (const r of requires) {
    const name = isObject(r) && typeof r.pack === 'string' ? r.pack : undefined;
    const node = name !== undefined && Object.hasOwn(input.active, name) ? input.active[name] : undefined;
    if (node && !registry.get(name as string)) registry.add(loadNode(node));
  }
  let pack: Pack | undefined;
  try {
    pack = loadPack(body.pack, { registry, calendar });
  } catch (error) {
    if (error instanceof PackValidationError) problems.push(...prefix('/pack', error.problems));
    else throw error;
  }
  if (problems.length > 0 || !pack) throw unprocessable(problems);
  const report = await runSuite(pack, suite as unknown as TestSuite);
  const failures: Problem[] = [];
  report.cases.forEach((result, i) => {
    if (result.status === 'fail') {
      failures.push({ path: `/suite/cases/${i}`, message: `${result.name}: ${result.failures.join('; ')}`, code: 'TEST_FAILED', expected: result.expected, found: result.actual });
    }
  });
  if (failures.length > 0) throw unprocessable(failures);
  const binding = (pack.document.requires ?? []).flatMap((r) => {
    const dep = registry.get(r.pack);
    return dep ? [{ pack: dep.id, version: dep.version, packHash: dep.packHash }] : [];
  });
  return {
    packHash: pack.packHash,
    documentJson: canonicalJson(pack.document),
    suite,
    binding,
    report: { passed: report.passed, failed: report.failed, coverage: report.coverage },
  };
}

/**
 * Replays logged decisions under a version and lists each outcome that would change, and each decision the
 * version refuses (with its error body).
 *
 * @throws the first error that is not the caller's or the pack's (a `500`)
 * @example
 * ```ts
 * const { changes } = await replayImpact({ pack: node, records });
 * ```
 */
export async function replayImpact(input: ImpactInput): Promise<ImpactResult> {
  const pack = loadNode(input.pack);
  const changes: Array<Record<string, unknown>> = [];
  const errors: Array<Record<string, unknown>> = [];
  for (const record of input.records) {
    try {
      const decision = await pack.evaluate(record.facts, { asOf: record.asOf, parameters: record.parameters as Record<string, unknown> });
      if (canonicalJson(decision.outcome) !== canonicalJson(record.outcome)) {
        changes.push({ decisionId: record.decisionId, seq: record.seq, asOf: record.asOf, recordedVersion: record.version, before: record.outcome, after: decision.outcome });
      }
    } catch (error) {
      const { status, body } = toErrorResponse(error, '');
      if (status >= 500) throw error;
      errors.push({ decisionId: record.decisionId, seq: record.seq, error: body.error });
    }
  }
  return { changes, errors };
}

/**
 * Screens a decision request body as the decision route reads it — JSON, depth and finite numbers, the request's
 * shape, then the facts, parameters and `asOf` decided by the pack — so that a large hostile body is refused
 * off the event loop. Nothing is recorded here: a body that decides is decided again by the route.
 *
 * @throws HttpError 400/422, or the engine's error (422, or 409 for a pack defect), exactly as the route answers
 * @example
 * ```ts
 * screenDecision({ body, pack: catalog.node('quality-severity', '1.0.0')! });
 * ```
 */
export function screenDecision(input: ScreenInput): void {
  const parsed = parseDecisionRequest(parseJsonText(new TextDecoder().decode(input.body)));
  if ('problems' in parsed) throw invalidRequest(parsed.problems);
  const { facts, asOf, parameters } = parsed.request;
  loadNode(input.pack).evaluateSync(facts, { asOf: asOf ?? input.asOf, ...(parameters ? { parameters } : {}) });
}

/**
 * Screens a large batch body in the thread (routes/batch-screen.ts `screenBatch` on the version's compiled pack).
 *
 * @returns the refused items and the item count
 * @throws HttpError when the body itself is refused, exactly as the route answers
 * @example
 * ```ts
 * screenBatchBody({ body, pack: catalog.node('quality-severity', '1.0.0')!, asOf, batchLimit: 1000 });
 * ```
 */
export function screenBatchBody(input: ScreenBatchInput): BatchScreen {
  return screenBatch(input.body, loadNode(input.pack), input.asOf, input.batchLimit);
}
