/**
 * Admin routes for pack versions, behind the bearer token:
 * `PUT /v1/packs/{id}/versions/{version}` with `{ pack, suite }` loads and validates the pack, runs the suite sent
 * with it and stores the version as a draft (`201`), or answers `422` with every problem (pack problems under
 * `/pack…`, failing cases under `/suite/cases/{i}`);
 * `POST …/{version}/impact` with `{ limit? }` replays the last N logged decisions of the pack under that version and
 * lists each outcome that would change;
 * `POST …/{version}/activate` makes it the active version atomically (rollback is activating an older version).
 */
import { Hono } from 'hono';
import { canonicalJson, loadPack, PackValidationError, runSuite, type Pack, type Problem, type TestSuite } from '@aftersales/core';
import { isObject, readJson, type AppEnv, type ServerContext } from '../context.js';
import { HttpError, notFound, toErrorResponse } from '../errors.js';
import { adminAuth } from '../middleware/admin-auth.js';

const prefix = (at: string, problems: Problem[]): Problem[] => problems.map((p) => ({ ...p, path: `${at}${p.path}` }));

function unprocessable(problems: Problem[]): HttpError {
  return new HttpError(
    422,
    'INVALID_VERSION',
    { zh: '规则包版本未通过校验或测试', en: 'the pack version failed validation or its test suite' },
    problems,
  );
}

/** Most cases one uploaded suite may hold. */
const MAX_SUITE_CASES = 10_000;

/**
 * Checks the shape of an uploaded test suite before it is run: `{ pack?, asOf?, cases: [{ name, facts, asOf?,
 * parameters?, expect: { outcome?, fired?, error? } }] }`, every problem at its JSON pointer.
 */
function suiteProblems(suite: unknown, id: string): Problem[] {
  const at = '/suite';
  if (!isObject(suite)) return [{ path: at, message: 'must be a test suite with at least one case ({ pack, cases: [...] })', code: 'SUITE_REQUIRED' }];
  const problems: Problem[] = [];
  for (const key of Object.keys(suite)) {
    if (!['pack', 'asOf', 'cases'].includes(key)) problems.push({ path: `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed', code: 'schema.additionalProperties' });
  }
  if (suite.pack !== undefined && suite.pack !== id) problems.push({ path: `${at}/pack`, message: `must equal the pack id (${id})`, code: 'ID_MISMATCH', expected: id, found: suite.pack });
  if (suite.asOf !== undefined && typeof suite.asOf !== 'string') problems.push({ path: `${at}/asOf`, message: 'must be a string', code: 'schema.type', expected: 'string' });
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
    for (const key of Object.keys(item)) {
      if (!['name', 'facts', 'asOf', 'parameters', 'expect'].includes(key)) problems.push({ path: `${p}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed', code: 'schema.additionalProperties' });
    }
    if (typeof item.name !== 'string') problems.push({ path: `${p}/name`, message: 'must be a string', code: 'schema.type', expected: 'string' });
    if (!isObject(item.facts)) problems.push({ path: `${p}/facts`, message: 'must be an object', code: 'schema.type', expected: 'object' });
    if (item.asOf !== undefined && typeof item.asOf !== 'string') problems.push({ path: `${p}/asOf`, message: 'must be a string', code: 'schema.type', expected: 'string' });
    if (item.parameters !== undefined && !isObject(item.parameters)) problems.push({ path: `${p}/parameters`, message: 'must be an object', code: 'schema.type', expected: 'object' });
    const expect = item.expect;
    if (!isObject(expect)) {
      problems.push({ path: `${p}/expect`, message: 'must be an object { outcome?, fired?, error? }', code: 'schema.type', expected: 'object' });
      return;
    }
    for (const key of Object.keys(expect)) {
      if (!['outcome', 'fired', 'error'].includes(key)) problems.push({ path: `${p}/expect/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed', code: 'schema.additionalProperties' });
    }
    if (expect.outcome !== undefined && !isObject(expect.outcome)) problems.push({ path: `${p}/expect/outcome`, message: 'must be an object', code: 'schema.type', expected: 'object' });
    if (expect.fired !== undefined && !(Array.isArray(expect.fired) && expect.fired.every((f) => typeof f === 'string'))) {
      problems.push({ path: `${p}/expect/fired`, message: 'must be an array of rule names', code: 'schema.type', expected: 'array' });
    }
    if (expect.error !== undefined && typeof expect.error !== 'string') problems.push({ path: `${p}/expect/error`, message: 'must be a string', code: 'schema.type', expected: 'string' });
  });
  return problems;
}

/**
 * The admin version routes.
 *
 * @example
 * ```ts
 * app.route('/', versionRoutes(ctx));
 * ```
 */
export function versionRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const guard = adminAuth(ctx.config.adminToken);
  app.use('/v1/packs/:id/versions/:version', async (c, next) => (c.req.method === 'PUT' ? guard(c, next) : next()));
  app.use('/v1/packs/:id/versions/:version/*', guard);

  app.put('/v1/packs/:id/versions/:version', async (c) => {
    const { id, version } = c.req.param();
    const body = await readJson(c);
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
    let pack: Pack | undefined;
    const registry = ctx.catalog.registry();
    try {
      pack = loadPack(body.pack, { registry });
    } catch (error) {
      if (error instanceof PackValidationError) problems.push(...prefix('/pack', error.problems));
      else throw error;
    }
    if (problems.length > 0 || !pack) throw unprocessable(problems);
    const report = await runSuite(pack, suite as unknown as TestSuite);
    const failures: Problem[] = [];
    report.cases.forEach((result, i) => {
      if (result.status === 'fail') {
        failures.push({
          path: `/suite/cases/${i}`,
          message: `${result.name}: ${result.failures.join('; ')}`,
          code: 'TEST_FAILED',
          expected: result.expected,
          found: result.actual,
        });
      }
    });
    if (failures.length > 0) throw unprocessable(failures);
    const result = await ctx.catalog.addDraft(pack, suite, registry);
    if (result === 'conflict') {
      throw new HttpError(409, 'VERSION_EXISTS', {
        zh: `版本 ${id}@${version} 已存在且内容不同；请使用新的版本号`,
        en: `version ${id}@${version} already exists with a different document; use a new version number`,
      });
    }
    const info = ctx.catalog.listVersions(id).find((v) => v.version === version);
    return c.json(
      {
        ...info,
        pack: id,
        suite: { passed: report.passed, failed: report.failed, coverage: report.coverage },
      },
      result === 'created' ? 201 : 200,
    );
  });

  app.post('/v1/packs/:id/versions/:version/impact', async (c) => {
    const { id, version } = c.req.param();
    const pack = ctx.catalog.get(id, version);
    if (!pack) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${version}`, `no version ${id}@${version}`);
    const text = await c.req.text();
    let limit = ctx.config.impactDefaultLimit;
    if (text.trim() !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, 'MALFORMED_JSON', { zh: '请求体不是有效的 JSON', en: `the request body is not valid JSON: ${(error as Error).message}` });
      }
      const given = isObject(body) ? body.limit : undefined;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > 10000) {
          throw new HttpError(422, 'INVALID_REQUEST', { zh: 'limit 须为 1 到 10000 的整数', en: 'limit must be an integer from 1 to 10000' }, [
            { path: '/limit', message: 'must be an integer from 1 to 10000', code: 'schema.range', found: given },
          ]);
        }
        limit = given;
      }
    }
    await ctx.writer.drain();
    const records = (await ctx.storage.recentDecisions(id, limit)).reverse();
    const changes: Array<Record<string, unknown>> = [];
    const errors: Array<Record<string, unknown>> = [];
    for (const record of records) {
      try {
        const decision = await pack.evaluate(record.facts, { asOf: record.asOf, parameters: record.parameters });
        if (canonicalJson(decision.outcome) !== canonicalJson(record.outcome)) {
          changes.push({
            decisionId: record.decisionId,
            seq: record.seq,
            asOf: record.asOf,
            recordedVersion: record.version,
            before: record.outcome,
            after: decision.outcome,
          });
        }
      } catch (error) {
        const { status, body } = toErrorResponse(error, c.var.requestId);
        if (status >= 500) throw error;
        errors.push({ decisionId: record.decisionId, seq: record.seq, error: body.error });
      }
    }
    return c.json({
      pack: id,
      version,
      packHash: pack.packHash,
      active: ctx.catalog.active(id)?.version ?? null,
      evaluated: records.length,
      changed: changes.length,
      unchanged: records.length - changes.length - errors.length,
      failed: errors.length,
      changes,
      errors,
    });
  });

  app.post('/v1/packs/:id/versions/:version/activate', async (c) => {
    const { id, version } = c.req.param();
    if (!ctx.catalog.get(id, version)) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${version}`, `no version ${id}@${version}`);
    const { activation, previous, pack } = await ctx.catalog.activate(id, version);
    ctx.log({ level: 'info', msg: 'pack version activated', requestId: c.var.requestId, pack: id, version, previous: previous ?? null });
    return c.json({ pack: id, version, packHash: pack.packHash, activatedAt: activation.activatedAt, previous: previous ?? null });
  });

  return app;
}
