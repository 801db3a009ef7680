import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { headerValue } from '../sdk/signatures/constant-time';
import { signatureSchemes, type SignatureSchemeId } from '../sdk/signatures/schemes';
import type { InboundEvent, VerifyResult, WebhookRequest } from '../sdk/types';
import { defineWebhookSource, type InboundScheme, type WebhookCredentials } from './auth';

const defaultInboundTopic = 'webhook.received';

/** The verifier behind each `scheme` a webhook connection may choose. */
const verifierOf: Record<InboundScheme, SignatureSchemeId> = { token: 'path-token', intercom: 'hub-sha1', github: 'hub-sha256', standard: 'standard-webhooks' };

const schemeOf = (credentials: WebhookCredentials | undefined): InboundScheme => credentials?.scheme ?? 'token';

function topicOf(item: unknown, request: WebhookRequest): string {
  const o = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  for (const v of [o.topic, o.type, headerValue(request.headers, 'x-event-topic'), headerValue(request.headers, 'x-github-event')]) if (typeof v === 'string' && v) return v;
  return defaultInboundTopic;
}

/**
 * A delivery id from the headers, only where the scheme vouches for it: Standard Webhooks signs
 * `webhook-id`; the path token is a bearer secret for the whole request (whoever holds it can post
 * anything, so a header is no weaker than the body). The Intercom and GitHub schemes sign the body
 * only: a captured delivery could be replayed under a new `X-GitHub-Delivery` or
 * `Idempotency-Key`, so their ids come from the signed body (its `id`, else its hash).
 */
function deliveryIdOf(request: WebhookRequest, scheme: InboundScheme): string | undefined {
  const h = (name: string) => headerValue(request.headers, name);
  if (scheme === 'standard') return h('webhook-id');
  if (scheme === 'token') return h('idempotency-key') ?? h('webhook-id');
  return undefined;
}

/**
 * Generic inbound hooks (internal services, GitHub-style senders, Standard Webhooks senders,
 * Zapier/Make/n8n): verified by the connection's `scheme` (see auth.ts). Event id: a delivery id
 * header the scheme vouches for (`standard`: `webhook-id`; `token`: `Idempotency-Key`, else
 * `webhook-id`), else the body's `id`, else a hash of the raw body. Topic: body `topic`, else body `type`, else
 * `X-Event-Topic`, else `X-GitHub-Event`, else `webhook.received`. A JSON array body is several
 * events (ids suffixed `#<index>` unless an element has its own `id`).
 */
export const inboundWebhookSource = defineWebhookSource({
  schemes: Object.values(verifierOf),
  verify(request, credentials, now): VerifyResult {
    const scheme = schemeOf(credentials);
    const verifier = signatureSchemes[verifierOf[scheme]];
    return verifier(request, scheme === 'token' ? credentials.token : credentials.signingSecret, now);
  },
  extract(request, body, credentials) {
    if (body === null || typeof body !== 'object') throw new InvalidDeliveryError('a webhook body must be a JSON object or array');
    const headerId = deliveryIdOf(request, schemeOf(credentials));
    const deliveryId = headerId ?? `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    const idOf = (o: unknown) => {
      const id = o && typeof o === 'object' ? (o as { id?: unknown }).id : undefined;
      return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
    };
    if (Array.isArray(body)) {
      return body.map((item, i): InboundEvent => ({ id: idOf(item) ?? `${deliveryId}#${i}`, topic: topicOf(item, request), payload: item }));
    }
    return [{ id: headerId ?? idOf(body) ?? deliveryId, topic: topicOf(body, request), payload: body }];
  },
  topics: [defaultInboundTopic],
  topicsOpen: true,
});
