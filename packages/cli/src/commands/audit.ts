/**
 * `aftersales audit verify <export.ndjson> [--head seq:hash]… [--key <public key>] [--json]`: checks an export of a
 * reference server's log (`GET /v1/audit/export`) with no server — every record's canonical text and hash, the
 * chain's order and links, that the records end at the export's head and reach every head an auditor recorded
 * (`--head`, repeatable: a cut export fails), and the head's Ed25519 signature with the server's public key
 * (`--key`: a PEM file or the PEM text, as `GET /v1/audit/key` gives it). The checks are core's `verifyExport`, the
 * same code the server's verification thread runs; the file is streamed, so a log of millions of records needs
 * little memory, and hashing is Node's native SHA-256. Exit codes: 0 everything holds; 1 the first broken seq is
 * printed; 2 usage errors (a missing file, a malformed `--head`, an unreadable key).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { verifyExport, type ChainPoint } from '@aftersales/core';
import { UsageError } from '../packs.js';
import { lang, LANG_OPTION, parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  head: { type: 'string', multiple: true, value: '<seq:hash>', description: 'a head recorded earlier (GET /v1/audit/head); repeatable / 已记录的链头，可重复' },
  key: { type: 'string', value: '<file|pem>', description: "the server's Ed25519 public key (GET /v1/audit/key): the head's signature must hold / 服务器公钥" },
  json: { type: 'boolean', description: 'print the result as JSON / 以 JSON 输出' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

function parseHead(text: string): ChainPoint {
  const m = /^(\d{1,15}):(sha256:[0-9a-f]{64})$/.exec(text);
  if (!m?.[1] || !m[2]) throw new UsageError(`--head ${text}: expected seq:sha256:<64 hex digits> / 应为 序号:sha256:哈希`);
  return { seq: Number(m[1]), hash: m[2] };
}

function readKey(value: string): KeyObject {
  const text = value.includes('-----BEGIN') ? value : existsSync(value) ? readFileSync(value, 'utf8') : '';
  let key: KeyObject;
  try {
    // A key file may hold the JSON of GET /v1/audit/key ({ publicKey: "-----BEGIN…" }).
    const pem = text.trimStart().startsWith('{') ? String((JSON.parse(text) as { publicKey?: unknown }).publicKey) : text;
    key = createPublicKey(pem);
  } catch {
    throw new UsageError(`--key ${value.slice(0, 60)}: not a PEM public key or a file holding one / 不是 PEM 公钥`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`--key: an Ed25519 key is expected, not ${String(key.asymmetricKeyType)} / 应为 Ed25519 公钥`);
  return key;
}

async function runVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (positionals.length !== 1) throw new UsageError('audit verify takes one export file / 需要一个导出文件');
  const file = positionals[0] as string;
  if (!existsSync(file)) throw new UsageError(`${file}: no such file / 文件不存在`);
  const heads = ((values.head as string[] | undefined) ?? []).map(parseHead);
  const key = values.key === undefined ? undefined : readKey(values.key as string);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const result = await verifyExport(lines, {
    heads,
    sha256: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
    ...(key ? { checkSignature: (text: string, sig: { value: string }) => verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(sig.value, 'base64')) } : {}),
  });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  if (result.ok) {
    const signature = { valid: 'signature valid / 签名有效', unsigned: 'head not signed / 链头未签名', 'not-checked': 'signature not checked (no --key) / 未检查签名' }[result.signature];
    const span = result.records === 0 ? 'no records' : `records ${result.from}-${result.head.seq}`;
    io.stdout.write(`ok: ${span} (${result.records}) verified; head ${result.head.seq}:${result.head.hash} at ${result.head.at}; ${signature}\n`);
    if (result.from > 1) io.stdout.write(`note: the export starts at seq ${result.from}; its first link is taken as given unless --head names seq ${result.from - 1} / 导出非从序号 1 开始\n`);
    if (heads.length > 0) io.stdout.write(`recorded heads reached: ${heads.map((h) => h.seq).join(', ')} / 已记录的链头均已到达\n`);
    return 0;
  }
  const b = result.firstBroken;
  if (lang(values.lang, io) === 'zh') {
    io.stdout.write(`链在序号 ${b.seq} 处断开：${b.reason}${b.decisionId ? `（${b.decisionId}）` : ''}\n  ${b.message.zh}\n`);
    if (b.expected !== undefined) io.stdout.write(`  应为：${b.expected}\n`);
    if (b.found !== undefined) io.stdout.write(`  发现：${b.found}\n`);
    io.stdout.write(`之前的 ${result.records} 条记录完好\n`);
    return 1;
  }
  io.stdout.write(`broken at seq ${b.seq}: ${b.reason}${b.decisionId ? ` (${b.decisionId})` : ''}\n  ${b.message.en}\n  ${b.message.zh}\n`);
  if (b.expected !== undefined) io.stdout.write(`  expected: ${b.expected}\n`);
  if (b.found !== undefined) io.stdout.write(`  found:    ${b.found}\n`);
  io.stdout.write(`${result.records} record(s) before it hold / 之前的记录完好\n`);
  return 1;
}

/** The `audit` command (one subcommand: `verify`). */
export const auditCommand: Command = {
  name: 'audit',
  usage: ['audit verify <export.ndjson> [--head <seq:hash>]… [--key <file|pem>] [--json]'],
  summary: "verify an export of a server's audit log offline: chain, hashes, head, signature / 离线校验审计日志导出",
  options,
  examples: [
    'aftersales audit verify log.ndjson',
    'aftersales audit verify log.ndjson --head 1200:sha256:… --key server-key.pem',
  ],
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'verify') throw new UsageError(`audit ${sub ?? ''}: expected "audit verify <export.ndjson>" / 应为 audit verify`.replace('  ', ' '));
    return runVerify(rest, io);
  },
};
