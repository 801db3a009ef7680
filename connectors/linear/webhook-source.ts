import { createHash } from 'node:crypto';
import { headerValue } from '../sdk/signatures/constant-time';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { InvalidDeliveryError } from '../sdk/errors';
import type { VerifyResult } from '../sdk/types';
import { defineWebhookSource } from './auth';
import { linearTopics } from './topics';

/** Linear's own SDK refuses a delivery whose `webhookTimestamp` is more than a minute from now. */
const linearTimestampToleranceMs = 60_000;

function timestampCheck(rawBody: Buffer, now: Date): VerifyResult {
  let ts: unknown;
  try {
    ts = (JSON.parse(rawBody.toString('utf8')) as { webhookTimestamp?: unknown }).webhookTimestamp;
  } catch {
    return { ok: false, reason: 'the signed body is not JSON', header: 'webhookTimestamp' };
  }
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return { ok: false, reason: 'the body has no numeric webhookTimestamp (ms since epoch)', header: 'webhookTimestamp' };
  if (Math.abs(now.getTime() - ts) > linearTimestampToleranceMs) {
    return { ok: false, reason: 'webhookTimestamp is more than 60 s from now: a replayed or delayed delivery', header: 'webhookTimestamp' };
  }
  return { ok: true };
}

/**
 * Linear webhooks: `Linear-Signature` = hex HMAC-SHA256 of the raw body with the webhook's signing
 * secret, then the signed `webhookTimestamp` must be within 60 s. Topic `<type>.<action>`
 * (`Issue.create`); the dedupe id is the `Linear-Delivery` header.
 */
export const linearWebhookSource = defineWebhookSource({
  schemes: ['linear-sha256'],
  verify(request, credentials, now) {
    const signed = signatureSchemes['linear-sha256'](request, credentials.webhookSecret);
    return signed.ok ? timestampCheck(request.rawBody, now) : signed;
  },
  extract(request, body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('a Linear webhook must be a JSON object');
    const { type, action } = body as { type?: unknown; action?: unknown };
    if (typeof type !== 'string' || !type || typeof action !== 'string' || !action) throw new InvalidDeliveryError('a Linear webhook needs string "type" and "action"');
    const id = headerValue(request.headers, 'Linear-Delivery') || `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    return [{ id, topic: `${type}.${action}`, payload: body }];
  },
  topics: linearTopics,
});
