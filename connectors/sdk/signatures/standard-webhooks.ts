import { createHmac } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from './webhook-request';
import { constantTimeEqual, headerValue } from './constant-time';

/** Standard Webhooks (v1, HMAC-SHA256): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> ...`. */
const standardWebhooksToleranceSeconds = 300;

/** The prefix Standard Webhooks secrets are written with (we generate secrets with it). */
export const standardWebhooksSecretPrefix = 'whsec_';

/**
 * The HMAC key of a secret, the same for inbound and outbound: base64 after an optional `whsec_`
 * prefix, exactly as the `standardwebhooks` package reads it.
 */
function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(standardWebhooksSecretPrefix) ? secret.slice(standardWebhooksSecretPrefix.length) : secret, 'base64');
}

function standardWebhookMac(secret: string, id: string, timestamp: number | string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestamp}.`).update(rawBody).digest();
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`: what our outgoing webhooks send and what the verifier below expects. */
export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, rawBody: Buffer | string): string {
  return `v1,${standardWebhookMac(secret, id, timestampSeconds, rawBody).toString('base64')}`;
}

/** Verifies against one or more secrets (rotation), with ±300 s timestamp tolerance. */
export function verifyStandardWebhook(request: WebhookRequest, secrets: string | readonly string[], now: Date): VerifyResult {
  const fail = (reason: string, header = 'webhook-signature'): VerifyResult => ({ ok: false, reason, header });
  const list = (typeof secrets === 'string' ? [secrets] : secrets).filter(Boolean);
  if (list.length === 0) return fail('the connection has no signing secret configured');
  const id = headerValue(request.headers, 'webhook-id');
  const ts = headerValue(request.headers, 'webhook-timestamp');
  const sig = headerValue(request.headers, 'webhook-signature');
  if (!id) return fail('missing webhook-id header', 'webhook-id');
  if (!ts) return fail('missing webhook-timestamp header', 'webhook-timestamp');
  if (!sig) return fail('missing webhook-signature header');
  if (id.includes('.')) return fail('webhook-id must not contain "."', 'webhook-id');
  if (!/^\d+$/.test(ts)) return fail('webhook-timestamp must be unix seconds', 'webhook-timestamp');
  const skew = Math.floor(now.getTime() / 1000) - Number(ts);
  if (skew > standardWebhooksToleranceSeconds) return fail('webhook-timestamp is too old', 'webhook-timestamp');
  if (skew < -standardWebhooksToleranceSeconds) return fail('webhook-timestamp is too new', 'webhook-timestamp');
  const given = sig
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of list) {
    const expected = standardWebhookMac(secret, id, ts, request.rawBody);
    if (given.some((g) => constantTimeEqual(g, expected))) return { ok: true };
  }
  return fail('webhook-signature does not match the body');
}
