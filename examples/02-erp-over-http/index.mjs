/**
 * An ERP's warranty module that does not embed the library: it talks to the aftersales reference server over
 * HTTP with nothing but `fetch`. The example starts the server as a child process, as it runs in production
 * (`node dist/main.js`), on a free port with a throwaway SQLite file, then decides a claim, a batch, a request
 * the pack refuses, pages through the decision log, verifies the hash chain and replays a decision.
 *
 * Decision ids (random UUIDs) and record hashes (which cover the server's `recordedAt` clock) differ from run to
 * run: they are printed masked as <decision-N> and <hash>, so the output is the same on every run.
 *
 * Usage: pnpm --filter @aftersales/example-02-erp-over-http start
 *        (or `node examples/02-erp-over-http/index.mjs` after `pnpm build`)
 */
import { startReferenceServer } from '../reference-server.mjs';

// ---- start the reference server (what `pnpm start` runs), on port 0: the OS picks a free port -------------
const server = await startReferenceServer(import.meta.url);
const { baseUrl } = server;

// ---- masking what differs between runs -------------------------------------------------------------------
const ids = new Map();
const maskId = (id) => {
  if (!ids.has(id)) ids.set(id, `<decision-${ids.size + 1}>`);
  return ids.get(id);
};
// Pack hashes are stable, but change with every edit of the pack: shown as their shape only.
const short = (hash) => (/^sha256:[0-9a-f]{64}$/.test(hash) ? 'sha256:<64 hex>' : `unexpected ${hash}`);

try {
  // #region decide
  const claim = {
    facts: { invoiceDate: '2025-04-18', claimDate: '2026-02-14', odometerKm: 21000, faultSystem: 'steering',
      seriousSafetyFault: true, seriousSafetyRepairs: 2, vehiclePriceYuan: 128000 },
    asOf: '2026-02-14T15:00:00+08:00',
  };
  const res = await fetch(`${baseUrl}/v1/packs/warranty-car/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claim),
  });
  const decision = await res.json();
  // res.status === 201: the decision is durably in the log before the answer.
  // decision -> { decisionId, pack, version, packHash, asOf, outcome, fired, explanation, messages, ... }
  // #endregion decide
  const first = decision.decisionId;
  console.log(`POST /v1/packs/warranty-car/decisions -> ${res.status}, Location: ${res.headers.get('location').replace(first, maskId(first))}`);
  console.log(`  ${maskId(first)}: ${decision.pack}@${decision.version} (${short(decision.packHash)}) as of ${decision.asOf}`);
  console.log(`  outcome: ${JSON.stringify(decision.outcome)}`);
  console.log(`  ${decision.messages.zh}`);
  console.log(`  ${decision.messages.en}`);

  // A batch: up to 1,000 items stored in one commit; each item answers on its own.
  const batch = await fetch(`${baseUrl}/v1/packs/warranty-car/decisions:batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [
        { facts: { invoiceDate: '2025-11-20', claimDate: '2026-03-02', odometerKm: 8200, faultSystem: 'electrical' }, asOf: '2026-03-02T10:00:00+08:00' },
        { facts: { invoiceDate: '2022-05-10', claimDate: '2026-03-01', odometerKm: 71000, faultSystem: 'suspension' }, asOf: '2026-03-02T10:00:00+08:00' },
        { facts: { invoiceDate: '2025-13-01', odometerKm: -5, faultSystem: 'engine' }, asOf: '2026-03-02T10:00:00+08:00' },
      ],
    }),
  });
  const batchBody = await batch.json();
  console.log(`POST /v1/packs/warranty-car/decisions:batch -> ${batch.status}, stored ${batchBody.stored}, failed ${batchBody.failed}`);
  for (const item of batchBody.results) {
    if (item.status === 201) console.log(`  item ${item.index}: 201 ${maskId(item.decisionId)} remedy ${item.outcome.remedy}`);
    else console.log(`  item ${item.index}: ${item.status} ${item.error.code} ${item.error.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  }

  // A request the pack refuses: 422 with the engine's code and a JSON pointer per problem; nothing is logged.
  const refused = await fetch(`${baseUrl}/v1/packs/warranty-car/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ facts: { invoiceDate: '2025-04-18', odometerKm: 100, faultSystem: 'wipers' }, asOf: '2026-02-14T15:00:00+08:00' }),
  });
  const refusedBody = await refused.json();
  console.log(`POST … with faultSystem "wipers" -> ${refused.status} ${refusedBody.error.code}`);
  for (const p of refusedBody.error.problems) console.log(`  ${p.path} ${p.message}`);
  console.log(`  ${refusedBody.error.message.zh}`);

  console.log('GET /v1/decisions?pack=warranty-car&limit=2, following nextCursor:');
  // #region log
  // The decision log, newest last, two at a time: follow `nextCursor` until it is null.
  let url = `${baseUrl}/v1/decisions?pack=warranty-car&limit=2`;
  while (url) {
    const page = await (await fetch(url)).json();
    for (const item of page.items) console.log(`  seq ${item.seq} ${maskId(item.decisionId)} as of ${item.asOf}: ${item.outcome.remedy}`);
    url = page.nextCursor ? `${baseUrl}/v1/decisions?pack=warranty-car&limit=2&cursor=${page.nextCursor}` : null;
  }
  // #endregion log

  const record = await (await fetch(`${baseUrl}/v1/decisions/${first}`)).json();
  console.log(`GET /v1/decisions/${maskId(first)}: seq ${record.seq}, facts ${Object.keys(record.facts).length} fields, prevHash ${record.prevHash === `sha256:${'0'.repeat(64)}` ? 'genesis' : '<hash>'}, hash <hash>`);

  const verify = await (await fetch(`${baseUrl}/v1/audit/verify`)).json();
  console.log(`GET /v1/audit/verify: ok ${verify.ok}, ${verify.records} records, head <hash>`);

  // #region replay
  const replay = await (await fetch(`${baseUrl}/v1/decisions/${first}/replay`, { method: 'POST' })).json();
  // replay -> { decisionId, pack, version, packHash, asOf, identical: true, differences: [], outcome }
  // #endregion replay
  console.log(`POST /v1/decisions/${maskId(first)}/replay: identical ${replay.identical}, ${replay.differences.length} differences, under ${replay.pack}@${replay.version}`);
} finally {
  // SIGTERM: the server stops accepting, finishes requests in flight, closes the database and exits 0.
  console.log(`server stopped (exit ${await server.stop()})`);
}
