import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { defineWebhookSource } from './auth';
import { pipedriveTopics } from './topics';

interface Meta {
  action?: unknown;
  entity?: unknown;
  object?: unknown;
  id?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Pipedrive webhooks v2: unsigned, authenticated with the HTTP Basic credentials chosen when the
 * webhook was created (`http_auth_user`/`http_auth_password`), compared in constant time. The
 * topic is `<meta.entity>.<meta.action>` (`deal.change`); the body keeps `data` (the record now)
 * and `previous` (the changed fields' old values). `meta.id` identifies the event and stays the
 * same on redeliveries (`meta.attempt` counts them), so it is the dedupe key.
 */
export const pipedriveWebhookSource = defineWebhookSource({
  schemes: ['http-basic'],
  verify: (request, c) => signatureSchemes['http-basic'](request, c.webhookUser && c.webhookPassword ? `${c.webhookUser}:${c.webhookPassword}` : undefined),
  extract(request, body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('a Pipedrive webhook must be a JSON object');
    const meta = (body as { meta?: Meta }).meta;
    if (!meta || typeof meta !== 'object') throw new InvalidDeliveryError('a Pipedrive webhook needs a "meta" object');
    if (!text(meta.entity) && text(meta.object)) throw new InvalidDeliveryError('this is a webhooks v1 payload (meta.object); create the Pipedrive webhook with version "2.0"');
    const entity = text(meta.entity);
    const action = text(meta.action);
    if (!entity || !action) throw new InvalidDeliveryError('a Pipedrive webhook needs string meta.entity and meta.action');
    const id = text(meta.id) ?? `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    return [{ id, topic: `${entity}.${action}`, payload: body }];
  },
  topics: pipedriveTopics,
});
