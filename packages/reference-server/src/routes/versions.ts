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
    if (!isObject(suite) || !Array.isArray(suite.cases) || suite.cases.length === 0) {
      problems.push({ path: '/suite', message: 'must be a test suite with at least one case ({ pack, cases: [...] })', code: 'SUITE_REQUIRED' });
    } else if (suite.pack !== undefined && suite.pack !== id) {
      problems.push({ path: '/suite/pack', message: `must equal the pack id (${id})`, code: 'ID_MISMATCH', expected: id, found: suite.pack });
    }
    let pack: Pack | undefined;
    try {
      pack = loadPack(body.pack, { registry: ctx.catalog.registry() });
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
    const result = await ctx.catalog.addDraft(pack, suite);
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
