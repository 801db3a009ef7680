import { createHmac } from 'node:crypto';
import type { VerifyResult, WebhookRequest } from '../types';
import { constantTimeEqual, headerValue } from './constant-time';

/** Standard Webhooks (v1, HMAC-SHA256): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> ...`. */
export const standardWebhooksToleranceSeconds = 300;

export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestampSeconds}.`).update(rawBody).digest('base64');
  return `v1,${mac}`;
}

/** Verifies against one or more secrets (rotation), with ±300 s timestamp tolerance. */
export function verifyStandardWebhook(request: WebhookRequest, secrets: string | readonly string[], now: Date): VerifyResult {
  const list = (typeof secrets === 'string' ? [secrets] : secrets).filter(Boolean);
  if (list.length === 0) return { ok: false, reason: 'the connection has no signing secret configured' };
  const id = headerValue(request.headers, 'webhook-id');
  const ts = headerValue(request.headers, 'webhook-timestamp');
  const sig = headerValue(request.headers, 'webhook-signature');
  if (!id || !ts || !sig) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  if (id.includes('.')) return { ok: false, reason: 'webhook-id must not contain "."' };
  if (!/^\d+$/.test(ts)) return { ok: false, reason: 'webhook-timestamp must be unix seconds' };
  const skew = Math.floor(now.getTime() / 1000) - Number(ts);
  if (skew > standardWebhooksToleranceSeconds) return { ok: false, reason: 'webhook-timestamp is too old' };
  if (skew < -standardWebhooksToleranceSeconds) return { ok: false, reason: 'webhook-timestamp is too new' };
  const given = sig
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of list) {
    const expected = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${ts}.`).update(request.rawBody).digest();
    if (given.some((g) => constantTimeEqual(g, expected))) return { ok: true };
  }
  return { ok: false, reason: 'webhook-signature does not match the body' };
}
