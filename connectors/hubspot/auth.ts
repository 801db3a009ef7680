import { auth } from '../sdk/auth';
import { actionFor, pollingTriggerFor, webhookSourceFor } from '../sdk/connector';

/**
 * HubSpot: a private-app token (`accessToken` alone, it does not expire) or OAuth2 tokens from the
 * authorization-code flow (`accessToken` + `refreshToken` + `expiresAt` + the app's `clientId` /
 * `clientSecret`), refreshed single-flight by the SDK at `/oauth/v1/token`. `clientSecret` also
 * verifies `X-HubSpot-Signature-v3` on webhooks.
 */
export const hubspotAuth = auth.oauth2({
  tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
  authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
  scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.schemas.contacts.read'],
});
export const defineAction = actionFor(hubspotAuth);
export const definePollingTrigger = pollingTriggerFor(hubspotAuth);
export const defineWebhookSource = webhookSourceFor(hubspotAuth);
