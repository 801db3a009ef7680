import { createHash } from 'node:crypto';
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
 * What identifies one Linear event, from the signed body only (Linear signs no header, so a
 * captured delivery replayed under a new `Linear-Delivery` must still be a duplicate). Not the raw
 * body's hash: Linear resends a delivery it saw fail with a fresh `webhookTimestamp` (else our
 * 60 s window would refuse it), so a retry is not byte-identical. The event is the webhook
 * (`webhookId`) reporting one action (`type`, `action`) on one entity (`data.id`) at one time
 * (`createdAt`, when the action took place); a body without all of them is identified by its hash
 * with `webhookTimestamp` left out.
 */
function eventIdOf(body: Record<string, unknown>): string {
  const { webhookId, type, action, createdAt, data } = body;
  const entity = data && typeof data === 'object' ? (data as { id?: unknown }).id : undefined;
  const parts = [webhookId, type, action, entity, createdAt];
  const identity = parts.every((p) => typeof p === 'string' && p !== '') ? parts.join('\n') : JSON.stringify({ ...body, webhookTimestamp: undefined });
  return `sha256:${createHash('sha256').update(identity).digest('hex')}`;
}

/**
 * Linear webhooks: `Linear-Signature` = hex HMAC-SHA256 of the raw body with the webhook's signing
 * secret, then the signed `webhookTimestamp` must be within 60 s. Topic `<type>.<action>`
 * (`Issue.create`); the dedupe id comes from the signed body (`eventIdOf`), never from `Linear-Delivery`.
 */
export const linearWebhookSource = defineWebhookSource({
  schemes: ['linear-sha256'],
  verify(request, credentials, now) {
    const signed = signatureSchemes['linear-sha256'](request, credentials.webhookSecret);
    return signed.ok ? timestampCheck(request.rawBody, now) : signed;
  },
  extract(_request, body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('a Linear webhook must be a JSON object');
    const { type, action } = body as { type?: unknown; action?: unknown };
    if (typeof type !== 'string' || !type || typeof action !== 'string' || !action) throw new InvalidDeliveryError('a Linear webhook needs string "type" and "action"');
    return [{ id: eventIdOf(body as Record<string, unknown>), topic: `${type}.${action}`, payload: body }];
  },
  topics: linearTopics,
});
