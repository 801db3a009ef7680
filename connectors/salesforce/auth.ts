import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, pollingTriggerFor } from '../sdk/connector';

/**
 * Salesforce OAuth2 (web-server flow: authorization code, then refresh tokens). The token
 * response names the org's API host as `instance_url`; it is stored as `instanceUrl` and kept up
 * to date on every refresh, and the connection's calls go there. Salesforce sends no
 * `expires_in`: an expired session shows as 401 INVALID_SESSION_ID, which triggers the refresh.
 */
export const salesforceAuth = auth.oauth2({
  tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
  authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
  scopes: ['api', 'refresh_token'],
  // Ask again on a reconnect, so a person can pick another user or org.
  authorizeParams: { prompt: 'login consent' },
  tokenResponseFields: { instance_url: 'instanceUrl' },
  extra: { instanceUrl: z.url({ protocol: /^https?$/ }) },
  accountLabel: (c) => new URL(c.instanceUrl).host,
});
export const defineAction = actionFor(salesforceAuth);
export const definePollingTrigger = pollingTriggerFor(salesforceAuth);
