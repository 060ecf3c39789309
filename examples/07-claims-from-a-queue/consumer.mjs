/**
 * A claims consumer as a host would run it: it takes one claim at a time from a RabbitMQ queue (manual
 * acknowledgement, prefetch 1), decides it through the reference server with the message id as the
 * `Idempotency-Key`, publishes the outcome on the reply queue (with a publisher confirm) and only then
 * acknowledges the claim. A crash anywhere before the acknowledgement makes RabbitMQ deliver the claim again; the
 * key makes the server answer the decision it already recorded instead of writing a second one.
 *
 * Usage: node consumer.mjs <server-url> <claims-queue> <replies-queue> <name> [<claim-no>:<after-decide|after-reply>]
 *   The optional last argument kills this process (SIGKILL, as `kill -9` would) at that point of that claim, to
 *   show what a crash between deciding and acknowledging does. The consumer exits 0 after two seconds with no claim.
 *   AMQP_URL (default amqp://guest:guest@127.0.0.1:5672) names the broker.
 */
import amqp from 'amqplib';

const [serverUrl, claimsQueue, repliesQueue, name, crashAt = ''] = process.argv.slice(2);
const [crashClaim, crashPoint] = crashAt.split(':');
const IDLE_MS = 2000;

const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createConfirmChannel();
await channel.prefetch(1);

/** Kills this process without any clean-up, as a crash or `kill -9` would. */
const crash = (claimNo, point) => {
  console.log(`${name}: killed ${point.replace('-', ' ')} ${claimNo}, before acknowledging it`);
  process.kill(process.pid, 'SIGKILL');
};

let idle;
const stopWhenIdle = () => {
  clearTimeout(idle);
  idle = setTimeout(async () => {
    await channel.close();
    await connection.close();
  }, IDLE_MS);
};

/**
 * Decides one claim through the server, retrying on a network failure or a 5xx with the same key: the server
 * answers a repeated key with the decision it recorded the first time, so a retry never writes a second record.
 */
async function decide(claim, key) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${serverUrl}/v1/packs/${claim.pack}/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ facts: claim.facts, asOf: claim.asOf, reference: claim.claimNo, context: claim.context }),
        signal: AbortSignal.timeout(10_000),
      });
      // 409: the same key is still being decided (a previous delivery's request in flight): wait and ask again.
      if (res.status >= 500 || res.status === 409) throw new Error(`server answered ${res.status}`);
      return { status: res.status, replayed: res.headers.get('idempotency-replayed') === 'true', body: await res.json() };
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

await channel.consume(claimsQueue, async (message) => {
  if (!message) return;
  clearTimeout(idle);
  const claim = JSON.parse(message.content.toString('utf8'));
  const key = message.properties.messageId;
  const { status, replayed, body } = await decide(claim, key);
  if (status !== 201 && status !== 200) {
    // A claim the pack refuses (422) is answered on the reply queue too, then acknowledged: retrying cannot help.
    console.log(`${name}: ${claim.claimNo} refused (${status} ${body.code})`);
  } else {
    console.log(`${name}: ${claim.claimNo} decided ${JSON.stringify(body.outcome)} (${replayed ? 'the recorded decision, replayed by its key' : 'new record'})`);
  }
  if (crashClaim === claim.claimNo && crashPoint === 'after-decide') crash(claim.claimNo, 'after deciding');
  const reply = status === 201 || status === 200
    ? { claimNo: claim.claimNo, decisionId: body.decisionId, outcome: body.outcome }
    : { claimNo: claim.claimNo, refused: { status, code: body.code } };
  channel.sendToQueue(repliesQueue, Buffer.from(JSON.stringify(reply)), {
    persistent: true,
    contentType: 'application/json',
    correlationId: key,
  });
  await channel.waitForConfirms(); // the reply is on the broker before the claim is acknowledged
  if (crashClaim === claim.claimNo && crashPoint === 'after-reply') crash(claim.claimNo, 'after replying to');
  channel.ack(message);
  stopWhenIdle();
}, { noAck: false });
stopWhenIdle();
