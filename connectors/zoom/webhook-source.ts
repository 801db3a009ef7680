import { createHash, createHmac } from 'node:crypto';
import { InvalidDeliveryError } from '../sdk/errors';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { defineWebhookSource } from './auth';
import { zoomTopics, zoomUrlValidation } from './topics';

interface ZoomDelivery {
  event?: unknown;
  event_ts?: unknown;
  payload?: { plainToken?: unknown };
}

const asDelivery = (body: unknown): ZoomDelivery => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidDeliveryError('a Zoom event must be a JSON object');
  return body;
};

/**
 * Zoom event subscriptions: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:{x-zm-request-timestamp}:{raw body}">`
 * keyed with the Secret Token, timestamp within ±5 min. `endpoint.url_validation` (sent when the URL
 * is saved and every 72 h) is answered with `{ plainToken, encryptedToken }`, only after the
 * signature verified: answering unsigned requests would hand out HMACs of attacker-chosen strings.
 * Events carry no id; a redelivery repeats the same body, so its hash is the dedupe key.
 */
export const zoomWebhookSource = defineWebhookSource({
  schemes: ['zoom-v0'],
  verify: (request, credentials, now) => signatureSchemes['zoom-v0'](request, credentials.webhookSecretToken, now),
  challenge: {
    post(_request, body, credentials) {
      const delivery = asDelivery(body);
      if (delivery.event !== zoomUrlValidation) return undefined;
      const plainToken = delivery.payload?.plainToken;
      if (typeof plainToken !== 'string' || !plainToken) throw new InvalidDeliveryError('endpoint.url_validation needs a string payload.plainToken');
      const encryptedToken = createHmac('sha256', credentials.webhookSecretToken!).update(plainToken).digest('hex');
      return { contentType: 'application/json', body: { plainToken, encryptedToken } };
    },
  },
  extract(request, body) {
    const delivery = asDelivery(body);
    if (typeof delivery.event !== 'string' || !delivery.event) throw new InvalidDeliveryError('a Zoom event needs a string "event"');
    return [{ id: `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`, topic: delivery.event, payload: body }];
  },
  topics: zoomTopics,
});
