import { createHmac } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from './webhook-request';
import { constantTimeEqual, headerValue, hexBytes } from './constant-time';

export interface HubSignatureScheme {
  /** Header name, e.g. `X-Hub-Signature` (Intercom, sha1) or `X-Hub-Signature-256` (GitHub, sha256). */
  header: string;
  algorithm: 'sha1' | 'sha256';
  /** What precedes the hex digest; default `<algorithm>=`. Empty for senders that send bare hex (Linear). */
  prefix?: string;
}

export const intercomSignature: HubSignatureScheme = { header: 'X-Hub-Signature', algorithm: 'sha1' };
export const githubSignature: HubSignatureScheme = { header: 'X-Hub-Signature-256', algorithm: 'sha256' };
export const linearSignature: HubSignatureScheme = { header: 'Linear-Signature', algorithm: 'sha256', prefix: '' };
/** Dropbox: `X-Dropbox-Signature: <hex HMAC-SHA256 of the raw body, keyed with the app secret>`. */
export const dropboxSignature: HubSignatureScheme = { header: 'X-Dropbox-Signature', algorithm: 'sha256', prefix: '' };

/** `<algorithm>=<hex HMAC of the raw body>`, the form Intercom and GitHub send (bare hex for Linear and Dropbox). */
export function signHub(scheme: HubSignatureScheme, secret: string, rawBody: Buffer | string): string {
  return `${scheme.prefix ?? `${scheme.algorithm}=`}${hubMac(scheme, secret, rawBody).toString('hex')}`;
}

/** Keyed with the secret string as both sides hold it (a `whsec_` prefix included: Intercom's receivers key with what they were given). */
function hubMac(scheme: HubSignatureScheme, secret: string, rawBody: Buffer | string): Buffer {
  return createHmac(scheme.algorithm, secret).update(rawBody).digest();
}

/** Verifies an `X-Hub-Signature[-256]` (or `Linear-Signature`) header over the raw bytes, in constant time, length-checked first. */
export function verifyHubSignature(scheme: HubSignatureScheme, request: WebhookRequest, secret: string | undefined): VerifyResult {
  const fail = (reason: string): VerifyResult => ({ ok: false, reason, header: scheme.header });
  if (!secret) return fail('the connection has no signing secret configured');
  const header = headerValue(request.headers, scheme.header);
  if (!header) return fail(`missing ${scheme.header} header`);
  const prefix = scheme.prefix ?? `${scheme.algorithm}=`;
  if (prefix && !header.startsWith(prefix)) return fail(`${scheme.header} must start with "${prefix}"`);
  const bytes = scheme.algorithm === 'sha1' ? 20 : 32;
  const given = hexBytes(header.slice(prefix.length).trim(), bytes);
  if (!given) return fail(`${scheme.header} must be ${prefix}<${bytes * 2} hex chars>`);
  const expected = hubMac(scheme, secret, request.rawBody);
  return constantTimeEqual(given, expected) ? { ok: true } : fail(`${scheme.header} does not match the body`);
}
