import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { headerValue } from '../sdk/signatures/constant-time';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { defineWebhookSource } from './auth';
import { githubTopics } from './topics';

/**
 * GitHub webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`; topic =
 * `X-GitHub-Event` + `.` + `action` (`issues.opened`); dedupe id = a hash of the signed raw body
 * (a redelivery is byte-identical). Not `X-GitHub-Delivery`: GitHub signs no header, so a captured
 * delivery replayed under a new delivery id (or another event name) must still be a duplicate.
 * The `ping` sent when a hook is created starts nothing.
 */
export const githubWebhookSource = defineWebhookSource({
  schemes: ['hub-sha256'],
  verify: (request, credentials) => signatureSchemes['hub-sha256'](request, credentials.webhookSecret),
  extract(request, body) {
    const event = headerValue(request.headers, 'X-GitHub-Event');
    if (!event) throw new InvalidDeliveryError('a GitHub delivery needs the X-GitHub-Event header');
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('a GitHub delivery must be a JSON object (content type application/json)');
    const action = (body as { action?: unknown }).action;
    const topic = typeof action === 'string' && action ? `${event}.${action}` : event;
    const id = `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    return [{ id, topic, payload: body }];
  },
  topics: githubTopics,
  ignoredTopics: ['ping'],
});
