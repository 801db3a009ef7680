import type { VerifyResult, WebhookRequest } from './webhook-request';
import { headerValue, tokenMatches } from './constant-time';

/**
 * `Authorization: Basic <base64(user:password)>`, the credentials the receiver chose when the
 * subscription was made (Pipedrive sends them on every delivery). `expected` is `user:password`;
 * compared as digests, in constant time.
 */
export function verifyHttpBasic(request: WebhookRequest, expected: string | undefined): VerifyResult {
  const fail = (reason: string): VerifyResult => ({ ok: false, reason, header: 'Authorization' });
  if (!expected) return fail('the connection has no webhook Basic credentials configured');
  const header = headerValue(request.headers, 'Authorization');
  if (!header) return fail('missing Authorization header');
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return fail('Authorization must be "Basic <base64 user:password>"');
  return tokenMatches(Buffer.from(match[1]!, 'base64').toString('utf8'), expected) ? { ok: true } : fail('the Basic credentials do not match');
}
