import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/**
 * Dropbox OAuth2 (short-lived access token + refresh token, refreshed single-flight by the SDK).
 * `clientSecret` is the app secret: it refreshes tokens and verifies `X-Dropbox-Signature`.
 */
export const dropboxAuth = auth.oauth2({
  tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
  authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
  // A refresh token comes only with `offline`; without it the access token lasts four hours.
  authorizeParams: { token_access_type: 'offline' },
  scopes: ['files.content.write', 'sharing.write'],
});
export const defineAction = actionFor(dropboxAuth);
export const defineWebhookSource = webhookSourceFor(dropboxAuth);
