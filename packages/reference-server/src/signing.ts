/**
 * Signing of the audit log's head with Ed25519 (node:crypto). The key comes from `AFTERSALES_SIGNING_KEY`: a PEM
 * private key (PKCS#8), or the 32-byte seed as 64 hex digits or base64. What is signed is the canonical JSON of
 * `{ at, hash, seq }`; anyone holding the public key (`GET /v1/audit/key`) can check a head an auditor kept, and so
 * prove later that the log once reached that record with that hash.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { headSignedText } from '@aftersales/core';

/** PKCS#8 DER prefix of an Ed25519 private key, followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signing key and its public half. */
export interface HeadSigner {
  /** `sha256:` + hex of the public key's DER (SPKI), naming the key. */
  keyId: string;
  /** The public key, PEM (SPKI). */
  publicKeyPem: string;
  /** Base64 signature of a head's canonical JSON. */
  sign(head: { seq: number; hash: string; at: string }): string;
}

/**
 * Reads a signing key.
 *
 * @param text - PEM, or a 32-byte seed as hex or base64
 * @returns the signer
 * @throws Error when the text is no Ed25519 key
 * @example
 * ```ts
 * const signer = headSigner(process.env.AFTERSALES_SIGNING_KEY!);
 * ```
 */
export function headSigner(text: string): HeadSigner {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPrivateKey(trimmed);
  } else {
    const seed = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (seed.length !== 32) throw new Error('AFTERSALES_SIGNING_KEY must be a PEM Ed25519 private key or a 32-byte seed (hex or base64)');
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`AFTERSALES_SIGNING_KEY must be an Ed25519 key, not ${String(key.asymmetricKeyType)}`);
  const pub = createPublicKey(key);
  const der = pub.export({ format: 'der', type: 'spki' });
  return {
    keyId: `sha256:${createHash('sha256').update(der).digest('hex')}`,
    publicKeyPem: pub.export({ format: 'pem', type: 'spki' }).toString(),
    sign: (head) => sign(null, Buffer.from(signedText(head), 'utf8'), key).toString('base64'),
  };
}

/**
 * The text a head signature is over: canonical JSON of `{ at, hash, seq }`.
 *
 * @example
 * ```ts
 * signedText({ seq: 1, hash: 'sha256:…', at: '2026-01-01T00:00:00.000Z' })
 * ```
 */
export function signedText(head: { seq: number; hash: string; at: string }): string {
  // One definition, shared with the offline verifier (`aftersales audit verify`): core's headSignedText.
  return headSignedText(head);
}

/**
 * Checks a head's signature with a public key (PEM).
 *
 * @returns whether the signature is the key's over this head
 * @example
 * ```ts
 * verifyHeadSignature(head, head.signature, publicKeyPem) // true
 * ```
 */
export function verifyHeadSignature(head: { seq: number; hash: string; at: string }, signature: string, publicKeyPem: string): boolean {
  return verify(null, Buffer.from(signedText(head), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
}
