import { createHmac } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from './webhook-request';
import { constantTimeEqual, headerValue, hexBytes } from './constant-time';

/** Zoom rejects nothing itself; we accept a request timestamp at most this far from now, either way. */
const zoomToleranceSeconds = 300;

/** Zoom's `x-zm-signature`: `v0=` + hex HMAC-SHA256 of `v0:{x-zm-request-timestamp}:{raw body}`, keyed with the app's secret token. */
export function signZoom(secretToken: string, timestamp: string | number, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secretToken).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

/** Verifies `x-zm-signature` over the raw bytes in constant time, with the timestamp within ±5 minutes of `now`. */
export function verifyZoomSignature(request: WebhookRequest, secretToken: string | undefined, now: Date): VerifyResult {
  const fail = (reason: string, header = 'x-zm-signature'): VerifyResult => ({ ok: false, reason, header });
  if (!secretToken) return fail('the connection has no webhook secret token configured');
  const ts = headerValue(request.headers, 'x-zm-request-timestamp');
  const sig = headerValue(request.headers, 'x-zm-signature');
  if (!ts) return fail('missing x-zm-request-timestamp header', 'x-zm-request-timestamp');
  if (!sig) return fail('missing x-zm-signature header');
  if (!/^\d+$/.test(ts)) return fail('x-zm-request-timestamp must be unix seconds', 'x-zm-request-timestamp');
  const skew = Math.floor(now.getTime() / 1000) - Number(ts);
  if (skew > zoomToleranceSeconds) return fail('x-zm-request-timestamp is too old', 'x-zm-request-timestamp');
  if (skew < -zoomToleranceSeconds) return fail('x-zm-request-timestamp is too new', 'x-zm-request-timestamp');
  if (!sig.startsWith('v0=')) return fail('x-zm-signature must start with "v0="');
  const given = hexBytes(sig.slice(3).trim(), 32);
  if (!given) return fail('x-zm-signature must be v0=<64 hex chars>');
  const expected = createHmac('sha256', secretToken).update(`v0:${ts}:`).update(request.rawBody).digest();
  return constantTimeEqual(given, expected) ? { ok: true } : fail('x-zm-signature does not match the body');
}
