import { InvalidDeliveryError } from '../sdk/errors';
import { signatureSchemes } from '../sdk/signatures/schemes';
import { defineWebhookSource } from './auth';

/** HubSpot's CRM subscription types (webhooks API, "legacy" CRM objects) this connector accepts. */
const hubspotTopics = [
  'contact.creation',
  'contact.propertyChange',
  'contact.deletion',
  'contact.merge',
  'contact.restore',
  'company.creation',
  'company.propertyChange',
  'company.deletion',
  'company.merge',
  'company.restore',
  'deal.creation',
  'deal.propertyChange',
  'deal.deletion',
  'deal.merge',
  'deal.restore',
] as const;

interface HubSpotEvent {
  eventId?: unknown;
  subscriptionType?: unknown;
  objectId?: unknown;
  occurredAt?: unknown;
}

/**
 * HubSpot webhooks: one POST carries an array of up to 100 events, signed as a whole with
 * `X-HubSpot-Signature-v3` (the app's client secret over method, URL, body and timestamp). Each
 * event becomes one inbound event. HubSpot does not promise `eventId` is unique on its own, so the
 * dedupe id joins it with the object and the time it occurred; a retry repeats all three.
 */
export const hubspotWebhookSource = defineWebhookSource({
  schemes: ['hubspot-v3'],
  verify: (request, credentials, now) => signatureSchemes['hubspot-v3'](request, credentials.clientSecret, now),
  extract(_request, body) {
    if (!Array.isArray(body)) throw new InvalidDeliveryError('a HubSpot delivery must be a JSON array of events');
    return (body as HubSpotEvent[]).map((e, index) => {
      if (!e || typeof e !== 'object' || (typeof e.eventId !== 'number' && typeof e.eventId !== 'string') || typeof e.subscriptionType !== 'string') {
        throw new InvalidDeliveryError(`event [${index}] needs an eventId and a string subscriptionType`);
      }
      return { id: `${String(e.eventId)}:${String(e.objectId)}:${String(e.occurredAt)}`, topic: e.subscriptionType, payload: e };
    });
  },
  topics: hubspotTopics,
});
