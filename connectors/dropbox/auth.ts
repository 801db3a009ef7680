import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/**
 * Dropbox OAuth2 (short-lived access token + refresh token, refreshed single-flight by the SDK).
 * `clientSecret` is the app secret: it refreshes tokens and verifies `X-Dropbox-Signature`.
 */
export const dropboxAuth = auth.oauth2({
  tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
  scopes: ['files.content.write', 'sharing.write'],
});
export const defineAction = actionFor(dropboxAuth);
export const defineWebhookSource = webhookSourceFor(dropboxAuth);
