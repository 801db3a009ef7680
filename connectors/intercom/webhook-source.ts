import { createHash } from 'node:crypto';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { InvalidDeliveryError } from '../sdk/errors';
import { defineWebhookSource } from './auth';
import { intercomTopicAliases, intercomTopics } from './topics';

/**
 * Intercom notifications: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body, keyed with the
 * app's client secret>`. One notification per delivery; its `id` is the dedupe key (`ping` has
 * none, and is answered 2xx without starting runs).
 */
export const intercomWebhookSource = defineWebhookSource({
  schemes: ['hub-sha1'],
  verify: (request, credentials) => signatureSchemes['hub-sha1'](request, credentials.clientSecret),
  extract(request, body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('an Intercom notification must be a JSON object');
    const n = body as { id?: unknown; topic?: unknown };
    if (typeof n.topic !== 'string' || !n.topic) throw new InvalidDeliveryError('an Intercom notification needs a string "topic"');
    const id = typeof n.id === 'string' && n.id ? n.id : `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    return [{ id, topic: n.topic, payload: body }];
  },
  topics: intercomTopics,
  topicAliases: intercomTopicAliases,
  ignoredTopics: ['ping'],
});
