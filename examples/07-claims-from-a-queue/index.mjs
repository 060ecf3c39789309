/**
 * Claims that arrive on a queue, decided exactly once. A dealer system publishes warranty claims on a RabbitMQ
 * queue; a consumer (consumer.mjs) takes each, decides it through the reference server with the message id as the
 * `Idempotency-Key`, publishes the outcome on a reply queue and acknowledges the claim only after the decision is
 * durably in the log and the reply is confirmed by the broker.
 *
 * To show what that buys, the first consumer is killed (SIGKILL) after deciding claim C-1002 and before replying
 * or acknowledging, and the second after replying to C-1004 and before acknowledging. RabbitMQ delivers both claims
 * again to the next consumer; the server answers each repeated key with the decision it recorded the first time.
 * At the end the log holds exactly one record per claim (looked up by the claim number, the request's
 * `reference`), the chain verifies, and every claim has one reply — C-1004 two, carrying the same decisionId: the
 * replies are at least once, and the decisionId is what a reader deduplicates on.
 *
 * It needs RabbitMQ on 127.0.0.1:5672 (guest/guest), or AMQP_URL; without a broker it exits 77, which
 * `pnpm examples` reports as skipped. The queues are named per run and deleted at the end.
 *
 * Usage: pnpm --filter @aftersales/example-07-claims-from-a-queue start
 *        (or `node examples/07-claims-from-a-queue/index.mjs` after `pnpm build`)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { startReferenceServer } from '../reference-server.mjs';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
let connection;
try {
  connection = await amqp.connect(AMQP_URL, { timeout: 3000 });
} catch (error) {
  console.error(`no RabbitMQ answers at ${AMQP_URL.replace(/\/\/[^@]*@/, '//')} (${error.code ?? error.message}): start one (see README.md) or set AMQP_URL`);
  process.exit(77);
}

const run = randomUUID().slice(0, 8);
const claimsQueue = `aftersales-example-claims-${run}`;
const repliesQueue = `aftersales-example-decisions-${run}`;
const channel = await connection.createConfirmChannel();
await channel.assertQueue(claimsQueue, { durable: true });
await channel.assertQueue(repliesQueue, { durable: true });

const server = await startReferenceServer(import.meta.url);
try {
  // ---- the dealer system publishes five claims (persistent messages; the message id is the claim's key) --------
  const claims = [
    { claimNo: 'C-1001', amount: 8000 },
    { claimNo: 'C-1002', amount: 12000 },
    { claimNo: 'C-1003', amount: 9999 },
    { claimNo: 'C-1004', amount: 50000 },
    { claimNo: 'C-1005', amount: 10000 },
  ];
  for (const { claimNo, amount } of claims) {
    const claim = {
      claimNo,
      pack: 'quality-severity',
      facts: { claimAmountYuan: amount },
      asOf: '2026-03-02T10:00:00+08:00',
      context: { dealer: 'JX-0451', source: 'rabbitmq' },
    };
    channel.sendToQueue(claimsQueue, Buffer.from(JSON.stringify(claim)), {
      persistent: true,
      contentType: 'application/json',
      messageId: `claim-${claimNo}-${run}`,
    });
  }
  await channel.waitForConfirms();
  console.log(`published ${claims.length} claims`);

  // ---- consumers: the first two are killed between deciding and acknowledging -------------------------------
  const consumer = join(dirname(fileURLToPath(import.meta.url)), 'consumer.mjs');
  const runConsumer = async (name, crashAt) => {
    const child = spawn(process.execPath, [consumer, server.baseUrl, claimsQueue, repliesQueue, name, ...(crashAt ? [crashAt] : [])], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, AMQP_URL },
    });
    const [code, signal] = await once(child, 'exit');
    // RabbitMQ gives a dead consumer's unacknowledged claim back to the queue when it sees the connection close:
    // wait until the broker has dropped it, so the next consumer finds the claim waiting.
    for (let i = 0; i < 100 && (await channel.checkQueue(claimsQueue)).consumerCount > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return signal ?? `exit ${code}`;
  };
  console.log(`consumer-1 ended: ${await runConsumer('consumer-1', 'C-1002:after-decide')}`);
  console.log(`consumer-2 ended: ${await runConsumer('consumer-2', 'C-1004:after-reply')}`);
  console.log(`consumer-3 ended: ${await runConsumer('consumer-3')}`);
  assert.equal((await channel.checkQueue(claimsQueue)).messageCount, 0, 'every claim acknowledged');

  // ---- the replies: at least one per claim, the same decisionId when a claim was answered twice ---------------
  const replies = new Map();
  for (let message; (message = await channel.get(repliesQueue, { noAck: true })); ) {
    const reply = JSON.parse(message.content.toString('utf8'));
    replies.set(reply.claimNo, [...(replies.get(reply.claimNo) ?? []), reply]);
  }

  // ---- the log: exactly one record per claim, found by the claim number -------------------------------------
  console.log('claim   replies              records  outcome');
  let records = 0;
  for (const { claimNo } of claims) {
    const got = replies.get(claimNo) ?? [];
    const res = await fetch(`${server.baseUrl}/v1/decisions?reference=${encodeURIComponent(claimNo)}`);
    assert.equal(res.status, 200);
    const found = (await res.json()).items;
    records += found.length;
    assert.equal(found.length, 1, `one record for ${claimNo}`);
    assert.ok(got.length >= 1, `a reply for ${claimNo}`);
    for (const reply of got) assert.equal(reply.decisionId, found[0].decisionId, `the reply of ${claimNo} names its record`);
    const same = got.length > 1 ? ' (same decisionId)' : '';
    console.log(`${claimNo}  ${`${got.length}${same}`.padEnd(19)}  ${String(found.length).padEnd(7)}  ${JSON.stringify(got[0].outcome)}`);
  }
  const verify = await (await fetch(`${server.baseUrl}/v1/audit/verify`)).json();
  assert.equal(verify.ok, true, 'the chain verifies');
  console.log(`${records} records for ${claims.length} claims; chain verifies: ${verify.ok}`);
} finally {
  await channel.deleteQueue(claimsQueue).catch(() => {});
  await channel.deleteQueue(repliesQueue).catch(() => {});
  await connection.close().catch(() => {});
  console.log(`server stopped (exit ${await server.stop()})`);
}
