/**
 * One pack's engine comparison, run as its own process by `bench/run.mjs` (parts a and b): over the fact sets
 * of the pack's suite (cases that decide; cases expecting an error are left out), decisions per second of
 *   - `compiled`: `pack.evaluateSync(facts, { asOf, parameters, explain: false })` — the whole decision: fact
 *     validation and defaults (ajv), required packs, derived facts, the compiled conditions, hit policy, outcome
 *     validation, messages and the audit fields;
 *   - `compiledExplain`: the same with `explain: true` (the per-condition explanation);
 *   - `plain`: json-rules-engine alone, `new Engine(rules, { allowUndefinedFacts: true })` built once with the
 *     pack's rules (`{param}` rewritten to a `$param` fact, paths to JSONPath), `await engine.run(prepared)`
 *     where `prepared` is prepared outside the timing: validated facts with defaults + `decision.derived`
 *     (derived facts, required packs' outcomes) + `$param` + `$context`; the outcome is the default merged with
 *     the first (or, for `collect`, every) event's params. It evaluates the rules only;
 *   - `reference`: `await pack.evaluate(facts, { ..., explain: false, engine: 'reference' })`, our whole decision
 *     with json-rules-engine doing the conditions (what the compiled path replaces);
 *   - `rules`: `pack.matchRules(prepared, params, context)`: the compiled conditions alone on the same prepared
 *     facts as `plain` (the like-for-like engine comparison: both evaluate the rules only);
 *   - `rulesTrace`: `pack.traceRules(prepared, params, context)`: the same rule stage keeping its per-condition
 *     record (fact value, compared value, result), what the explanation is built from; json-rules-engine keeps
 *     the same record on its rule results, so this is the like-for-like "with explanation" side;
 *   - `hand`: a hand-written function of the same policy (bench/hand-written.mjs), where one exists.
 * Before timing, it checks that `plain` fires the same rules as the compiled decision and that `hand` gives the
 * same outcome on every fact set. Rounds interleave the sides; one JSON line on stdout carries every round.
 *
 * Usage: node bench/engine.mjs <pack-id> [--ms 300] [--rounds 5]
 */
import { HAND_WRITTEN } from './hand-written.mjs';
import { calibrate, importCore, importJsonRulesEngine, localDateOf, measureAsync, measureSync, plainRules, readBundled } from './lib.mjs';

const args = process.argv.slice(2);
const packId = args[0];
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MS = option('ms', 300);
const ROUNDS = option('rounds', 5);

const core = await importCore();
const { Engine } = await importJsonRulesEngine();
const bundled = readBundled();
const registry = core.loadPacks(bundled.map((b) => b.document));
const pack = registry.get(packId);
if (!pack) throw new Error(`unknown pack ${packId}`);
const suite = bundled.find((b) => b.id === packId).suite;

// Fact sets: every suite case that decides.
const cases = [];
for (const c of suite.cases) {
  if (c.expect?.error) continue;
  const opts = { asOf: c.asOf ?? suite.asOf, explain: false, ...(c.parameters ? { parameters: c.parameters } : {}) };
  let decision;
  try {
    decision = pack.evaluateSync(c.facts, opts);
  } catch {
    continue;
  }
  const params = pack.parameterValues(c.parameters ?? {});
  const prepared = {
    ...pack.validateFacts(c.facts),
    ...decision.derived,
    $param: params,
    $context: { asOf: opts.asOf, asOfDate: localDateOf(opts.asOf, pack.timeZone) },
  };
  cases.push({
    name: c.name,
    facts: c.facts,
    opts,
    explainOpts: { ...opts, explain: true },
    referenceOpts: { ...opts, engine: 'reference' },
    params,
    prepared,
    factsOnly: { ...pack.validateFacts(c.facts), ...decision.derived },
    context: { asOf: opts.asOf, asOfDate: localDateOf(opts.asOf, pack.timeZone) },
    decision,
  });
}
if (cases.length === 0) throw new Error(`${packId}: no suite case decides`);

// Plain json-rules-engine on the same rules, one Engine reused.
const engine = new Engine(plainRules(pack.document), { allowUndefinedFacts: true });
const collect = pack.hitPolicy === 'collect';
const base = pack.document.default;
async function plainDecide(c) {
  const { events } = await engine.run(c.prepared);
  if (!collect) return events.length > 0 ? { ...base, ...events[0].params } : base;
  const outcome = { ...base };
  for (const e of events) Object.assign(outcome, e.params);
  return outcome;
}

// Checks before timing.
const problems = [];
for (const c of cases) {
  const { results } = await engine.run(c.prepared);
  const plainFired = results.map((r) => r.name).sort();
  const ourFired = c.decision.fired.map((f) => f.rule).sort();
  if (JSON.stringify(plainFired) !== JSON.stringify(ourFired)) problems.push(`plain json-rules-engine fires [${plainFired}] but the pack fires [${ourFired}] on "${c.name}"`);
  const stageFired = pack.matchRules(c.factsOnly, c.params, c.context).sort();
  if (JSON.stringify(stageFired) !== JSON.stringify(ourFired)) problems.push(`matchRules fires [${stageFired}] but the pack fires [${ourFired}] on "${c.name}"`);
}
const hand = HAND_WRITTEN[packId];
if (hand) {
  for (const c of cases) {
    const outcome = hand(c.facts, c.params);
    if (!core.deepEqual(outcome, c.decision.outcome)) problems.push(`hand-written gives ${JSON.stringify(outcome)} but the pack ${JSON.stringify(c.decision.outcome)} on "${c.name}"`);
  }
}
if (problems.length > 0) {
  process.stdout.write(`${JSON.stringify({ pack: packId, error: problems.slice(0, 5) })}\n`);
  process.exit(1);
}

const sides = {
  compiled: { sync: true, fn: (c) => pack.evaluateSync(c.facts, c.opts) },
  compiledExplain: { sync: true, fn: (c) => pack.evaluateSync(c.facts, c.explainOpts) },
  plain: { sync: false, fn: plainDecide },
  rules: { sync: true, fn: (c) => pack.matchRules(c.factsOnly, c.params, c.context) },
  rulesTrace: { sync: true, fn: (c) => pack.traceRules(c.factsOnly, c.params, c.context) },
  reference: { sync: false, fn: (c) => pack.evaluate(c.facts, c.referenceOpts) },
};
if (hand) sides.hand = { sync: true, fn: (c) => hand(c.facts, c.params) };
const names = Object.keys(sides);

// Warm up every side (JIT) and size the batches so a clock read is rare relative to the work.
for (const name of names) {
  const side = sides[name];
  if (side.sync) {
    side.batch = calibrate(side.fn, cases);
    measureSync(side.fn, cases, MS, side.batch);
  } else {
    side.batch = 16;
    await measureAsync(side.fn, cases, MS, side.batch);
  }
}

const rounds = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so no side always runs first (or last) in a round.
  for (let k = 0; k < names.length; k++) {
    const name = names[(r + k) % names.length];
    const side = sides[name];
    const perSecond = side.sync ? measureSync(side.fn, cases, MS, side.batch) : await measureAsync(side.fn, cases, MS, side.batch);
    rounds[name].push(perSecond);
  }
}

process.stdout.write(
  `${JSON.stringify({
    pack: packId,
    hitPolicy: pack.hitPolicy,
    rules: pack.document.rules.length,
    requires: (pack.document.requires ?? []).map((r) => r.pack),
    derived: (pack.document.derived ?? []).length,
    factSets: cases.length,
    rounds,
  })}\n`,
);
