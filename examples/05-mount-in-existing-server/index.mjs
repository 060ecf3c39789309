/**
 * A dealer portal that already runs its own Node HTTP server, with its own users and sessions, adds aftersales
 * under `/aftersales/` without a second service: the reference server's Hono app is built in-process
 * (`createApp`) and mounted behind the portal's authentication. The portal
 *
 * - answers `401` itself to anyone without a session — the aftersales routes are never reached;
 * - strips the prefix and the portal's own `Authorization` header before forwarding;
 * - lets service advisors decide and read, refuses them the admin routes (`403`), and forwards a policy owner's
 *   admin requests with the aftersales admin token, which no browser ever sees;
 * - rewrites the `Location` header so that links stay under the prefix.
 *
 * Then a policy owner publishes quality-severity 2.1.0 (level-2 claim line lowered to 40,000 yuan, suite
 * updated), previews its impact on the logged decisions, activates it, and an old decision still replays under
 * the version that took it. The clock and the decision ids are injected, so the output is stable.
 *
 * Usage: pnpm --filter @aftersales/example-05-mount-in-existing-server start
 *        (or `node examples/05-mount-in-existing-server/index.mjs` after `pnpm build`)
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { getRequestListener } from '@hono/node-server';
import { createApp, SqliteStorage } from '@aftersales/reference-server';
import { getPackDocument, loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';

const PREFIX = '/aftersales';
const ADMIN_TOKEN = 'server-side-secret-never-sent-to-browsers';

// ---- the portal's own users (its real ones live in its own database) --------------------------------------
const sessions = new Map([
  ['sess-advisor-li', { user: 'li.wei', role: 'service-advisor' }],
  ['sess-owner-zhang', { user: 'zhang.min', role: 'policy-owner' }],
]);

// ---- the aftersales app, built in-process: storage, clock and ids injected ----------------------------------
// #region build
const storage = new SqliteStorage({ file: ':memory:' }); // a file path, or PostgresStorage, in production
await storage.migrate();
let nextId = 0;
const app = await createApp({
  packs: loadBundledPacks(),
  storage,
  config: { adminToken: ADMIN_TOKEN },
  clock: () => new Date('2026-03-02T02:00:00Z'), // omit in production: the server clock
  newId: () => `dms-${String(++nextId).padStart(6, '0')}`, // omit in production: random UUIDs
});
// #endregion build

// #region mount
/** Forwards a request under the prefix to the aftersales app, as the portal's user allows. */
const forward = getRequestListener(async (request, { incoming }) => {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(PREFIX.length) || '/';
  const headers = new Headers(request.headers);
  headers.delete('authorization'); // the portal's session token stays in the portal
  const isAdminRoute = /^\/v1\/packs\/[^/]+\/versions\/[^/]+/.test(url.pathname) && request.method !== 'GET';
  if (isAdminRoute) {
    if (incoming.user.role !== 'policy-owner') {
      return Response.json({ error: { code: 'FORBIDDEN', message: { zh: '仅政策负责人可管理规则包版本', en: 'only policy owners manage pack versions' } } }, { status: 403 });
    }
    headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  }
  const init = { method: request.method, headers };
  if (request.body) Object.assign(init, { body: request.body, duplex: 'half' });
  const response = await app.fetch(new Request(url, init));
  const location = response.headers.get('location');
  if (!location?.startsWith('/')) return response;
  const rewritten = new Headers(response.headers);
  rewritten.set('location', PREFIX + location);
  return new Response(response.body, { status: response.status, headers: rewritten });
});

// The portal's existing server: its own routes, its own authentication in front of everything.
const portal = createServer((req, res) => {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const session = token ? sessions.get(token) : undefined;
  if (!session) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="portal"' });
    res.end(JSON.stringify({ error: { code: 'LOGIN_REQUIRED', message: { zh: '请先登录门户', en: 'log in to the portal first' } } }));
    return;
  }
  req.user = session;
  if (req.url === PREFIX || req.url.startsWith(`${PREFIX}/`)) return forward(req, res);
  if (req.url === '/api/me') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(session));
    return;
  }
  res.writeHead(404).end();
});
// #endregion mount
portal.listen(0, '127.0.0.1');
await once(portal, 'listening');
const base = `http://127.0.0.1:${portal.address().port}`;

/** A portal client: the browser, or another service, with a session token. */
async function call(session, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(session ? { authorization: `Bearer ${session}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.json() };
}
const advisor = 'sess-advisor-li';
const owner = 'sess-owner-zhang';
const report = { facts: { claimAmountYuan: 45000 }, asOf: '2026-03-02T10:00:00+08:00' };

try {
  let r = await call(undefined, 'POST', `${PREFIX}/v1/packs/quality-severity/decisions`, report);
  console.log(`anonymous POST ${PREFIX}/v1/packs/quality-severity/decisions -> ${r.status} ${r.body.error.code} (the portal's answer)`);

  r = await call(advisor, 'GET', '/api/me');
  console.log(`advisor GET /api/me -> ${r.status} ${JSON.stringify(r.body)} (the portal's own route)`);

  r = await call(advisor, 'POST', `${PREFIX}/v1/packs/quality-severity/decisions`, report);
  const firstId = r.body.decisionId;
  console.log(`advisor POST …/quality-severity/decisions (claim 45,000 yuan) -> ${r.status}, Location ${r.location}`);
  console.log(`  ${JSON.stringify(r.body.outcome)} by ${r.body.pack}@${r.body.version}: ${r.body.messages.en}`);

  // The policy owner's new version: level 2 from 40,000 yuan; the suite's boundary cases move with it.
  const document = structuredClone(getPackDocument('quality-severity'));
  document.version = '2.1.0';
  document.parameters.level2ClaimYuan.value = 40000;
  const suite = structuredClone(getSuite('quality-severity'));
  for (const c of suite.cases) {
    if (c.parameters === undefined && [49999, 50000, 50001].includes(c.facts.claimAmountYuan)) {
      c.facts.claimAmountYuan -= 10000;
      c.name = c.name.replaceAll('49,999', '39,999').replaceAll('50,00', '40,00');
    }
  }
  const versionPath = `${PREFIX}/v1/packs/quality-severity/versions/2.1.0`;

  r = await call(advisor, 'PUT', versionPath, { pack: document, suite });
  console.log(`advisor PUT …/versions/2.1.0 -> ${r.status} ${r.body.error.code} (the portal refuses; nothing forwarded)`);

  r = await call(owner, 'PUT', versionPath, { pack: document, suite });
  const allPassed = r.body.suite.failed === 0 && r.body.suite.passed === suite.cases.length;
  console.log(`owner PUT …/versions/2.1.0 -> ${r.status}: stored as draft; suite ${allPassed ? 'all cases pass' : 'FAILED'}, coverage ${r.body.suite.coverage.percent}%`);

  r = await call(owner, 'POST', `${versionPath}/impact`, { limit: 100 });
  console.log(`owner POST …/versions/2.1.0/impact -> ${r.status}: ${r.body.evaluated} logged, ${r.body.changed} would change (active ${r.body.active})`);
  for (const change of r.body.changes) console.log(`  ${change.decisionId}: ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`);

  r = await call(owner, 'POST', `${versionPath}/activate`);
  console.log(`owner POST …/versions/2.1.0/activate -> ${r.status}: active ${r.body.version}, previous ${r.body.previous}`);

  r = await call(advisor, 'POST', `${PREFIX}/v1/packs/quality-severity/decisions`, report);
  console.log(`advisor POST the same report again -> ${r.status} ${JSON.stringify(r.body.outcome)} by ${r.body.pack}@${r.body.version}`);

  r = await call(advisor, 'POST', `${PREFIX}/v1/decisions/${firstId}/replay`);
  console.log(`advisor POST …/decisions/${firstId}/replay -> ${r.status}: identical ${r.body.identical} under ${r.body.pack}@${r.body.version}`);

  r = await call(advisor, 'GET', `${PREFIX}/v1/audit/verify`);
  console.log(`advisor GET …/v1/audit/verify -> ${r.status}: ok ${r.body.ok}, ${r.body.records} records`);
} finally {
  portal.close();
  await storage.close();
}
