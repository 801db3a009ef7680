import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/**
 * Zoom Server-to-Server OAuth: `POST https://zoom.us/oauth/token` with Basic `clientId:clientSecret`
 * and `grant_type=account_credentials&account_id=…`; tokens live one hour and are cached until then.
 * `webhookSecretToken` is the app's event-subscription Secret Token (signs deliveries and answers
 * the URL validation challenge).
 */
export const zoomAuth = auth.oauth2ClientCredentials({
  tokenUrl: 'https://zoom.us/oauth/token',
  grantType: 'account_credentials',
  clientAuthentication: 'basic',
  tokenParams: (c) => ({ account_id: c.accountId }),
  extra: { accountId: z.string().min(1), webhookSecretToken: z.string().min(1).optional() },
  accountLabel: (c) => `Zoom account ${c.accountId}`,
});
export const defineAction = actionFor(zoomAuth);
export const defineWebhookSource = webhookSourceFor(zoomAuth);
