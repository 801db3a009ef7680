import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { constantTimeEqual, headerValue } from '../sdk/signatures/constant-time';
import type { InboundEvent, WebhookRequest } from '../sdk/types';
import { defineWebhookSource } from './auth';

export const defaultInboundTopic = 'webhook.received';

/** Compares SHA-256 digests, so the comparison is constant time and length-independent. */
function tokenMatches(given: string, expected: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return constantTimeEqual(h(given), h(expected));
}

function topicOf(item: unknown, request: WebhookRequest): string {
  const o = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  for (const v of [o.topic, o.type, headerValue(request.headers, 'x-event-topic')]) if (typeof v === 'string' && v) return v;
  return defaultInboundTopic;
}

/**
 * Generic inbound hooks (internal services, Zapier/Make/n8n sending to us): unsigned, so the URL
 * carries an unguessable token compared in constant time. Event id: `Idempotency-Key` or
 * `webhook-id` header, else the body's `id`, else a hash of the raw body. Topic: body `topic`,
 * else body `type`, else `X-Event-Topic`, else `webhook.received`. A JSON array body is several
 * events (ids suffixed `#<index>` unless an element has its own `id`).
 */
export const inboundWebhookSource = defineWebhookSource({
  verify(request, credentials) {
    if (!credentials.token) return { ok: false, reason: 'the connection has no inbound token configured' };
    if (!request.pathToken) return { ok: false, reason: 'missing token: POST to /hooks/<connection>/<token>' };
    return tokenMatches(request.pathToken, credentials.token) ? { ok: true } : { ok: false, reason: 'token does not match' };
  },
  extract(request, body) {
    if (body === null || typeof body !== 'object') throw new InvalidDeliveryError('a webhook body must be a JSON object or array');
    const deliveryId =
      headerValue(request.headers, 'idempotency-key') ?? headerValue(request.headers, 'webhook-id') ?? `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    const idOf = (o: unknown) => {
      const id = o && typeof o === 'object' ? (o as { id?: unknown }).id : undefined;
      return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
    };
    if (Array.isArray(body)) {
      return body.map((item, i): InboundEvent => ({ id: idOf(item) ?? `${deliveryId}#${i}`, topic: topicOf(item, request), payload: item }));
    }
    const headerId = headerValue(request.headers, 'idempotency-key') ?? headerValue(request.headers, 'webhook-id');
    return [{ id: headerId ?? idOf(body) ?? deliveryId, topic: topicOf(body, request), payload: body }];
  },
  topics: [defaultInboundTopic],
});
