/**
 * `GET /v1/audit/export?from=<seq>`: the log as NDJSON for an auditor's offline check (`aftersales audit verify`).
 * Each line is one record's canonical text — the RFC 8785 JSON whose SHA-256 is the record's hash — in chain order
 * from `from` (default 1) up to the head read when the export started; the last line is that head,
 * `{"head":{"at","hash","seq"}}`, with an Ed25519 `signature` when the server has a signing key. Records are read
 * in pages of {@link EXPORT_PAGE} as the client takes them (a pull stream: a slow client holds one page, not the
 * log), and each page is text assembled from the stored columns without parsing, so a large export costs the event
 * loop one short step a page.
 */
import { Hono } from 'hono';
import { GENESIS_HASH } from '../chain.js';
import type { AppEnv, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { plainInteger } from '../strict.js';

/** Records read from storage per step of an export. */
export const EXPORT_PAGE = 500;

/**
 * The export route.
 *
 * @example
 * ```ts
 * app.route('/', auditExportRoutes(ctx));
 * ```
 */
export function auditExportRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v1/audit/export', async (c) => {
    const raw = c.req.query('from');
    const from = raw === undefined ? 1 : plainInteger(raw);
    if (from === undefined || from < 1) {
      throw new HttpError(400, 'INVALID_QUERY', { zh: 'from 须为正整数（序号）', en: 'from must be a positive whole number (a seq)' }, [
        { path: '/from', message: 'must be an integer >= 1', code: 'schema.minimum', found: raw, expected: 1 },
      ]);
    }
    await ctx.writer.drain();
    const last = await ctx.storage.chainHead();
    const head = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH, at: ctx.clock().toISOString() };
    const signer = ctx.config.signer;
    const headLine = JSON.stringify(signer ? { head, signature: { algorithm: 'Ed25519', keyId: signer.keyId, value: signer.sign(head) } } : { head });
    let after = from - 1;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          if (after >= head.seq) {
            controller.enqueue(encoder.encode(`${headLine}\n`));
            controller.close();
            return;
          }
          const lines = await ctx.storage.chainLines(after, head.seq, EXPORT_PAGE);
          if (lines.length === 0) {
            after = head.seq; // the rows are gone: the head line follows, and the verifier reports the cut
            return;
          }
          after = lines[lines.length - 1]?.seq ?? head.seq;
          controller.enqueue(encoder.encode(`${lines.map((l) => l.text).join('\n')}\n`));
        } catch (error) {
          controller.error(error);
        }
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="aftersales-log-${from}-${head.seq}.ndjson"`,
        'x-request-id': c.var.requestId,
      },
    });
  });
  return app;
}
