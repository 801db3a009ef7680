import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, pollingTriggerFor, webhookSourceFor } from '../sdk/connector';
import { ConnectorError } from '../sdk/errors';
import type { AuthDefinition } from '../sdk/types';

const token = () => z.string().min(1);

const credentials = z
  .object({
    /** A personal API token, sent as `x-api-token`. */
    apiToken: token().optional(),
    /** OAuth (authorization code): the access token, sent as `Authorization: Bearer`, refreshed with the refresh token. */
    accessToken: token().optional(),
    refreshToken: token().optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    clientId: token().optional(),
    clientSecret: token().optional(),
    tokenUrl: z.url().optional(),
    /** The company's subdomain: `acme` for https://acme.pipedrive.com (API token connections). */
    companyDomain: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'the subdomain only, e.g. acme for acme.pipedrive.com').optional(),
    /** The token response's `api_domain`, e.g. https://acme.pipedrive.com (OAuth connections). */
    apiDomain: z.url({ protocol: /^https$/ }).optional(),
    /** The HTTP Basic credentials given when the webhook was created (`http_auth_user` / `http_auth_password`). */
    webhookUser: token().optional(),
    webhookPassword: token().optional(),
  })
  .strict()
  .refine((c) => !(c.apiToken && c.accessToken), { message: 'give apiToken or accessToken, not both', path: ['accessToken'] })
  .refine((c) => !(c.apiToken || c.accessToken) || c.companyDomain || c.apiDomain, { message: 'give companyDomain (or the OAuth apiDomain) to call the API', path: ['companyDomain'] })
  .refine((c) => c.apiToken || c.accessToken || (c.webhookUser && c.webhookPassword), { message: 'give apiToken, accessToken, or webhookUser + webhookPassword', path: ['apiToken'] });

const custom = auth.custom({
  credentials,
  apply(c, req) {
    if (c.apiToken) req.headers['x-api-token'] = c.apiToken;
    else if (c.accessToken) req.headers.authorization = `Bearer ${c.accessToken}`;
    else throw new ConnectorError('fatal', 'the connection has no apiToken or accessToken; add one to its credentials to call the API', { code: 'missing_credentials', field: 'apiToken' });
  },
  accountLabel: (c) => c.apiDomain ?? (c.companyDomain ? `${c.companyDomain}.pipedrive.com` : undefined),
});

/**
 * Pipedrive: an API token (`x-api-token`) or OAuth2 from the authorization-code flow. OAuth
 * connections refresh at oauth.pipedrive.com with the client id and secret as HTTP Basic, as
 * Pipedrive requires, and keep the response's `api_domain`; only connections with a refresh token refresh.
 */
export const pipedriveAuth: AuthDefinition<z.output<typeof credentials>> = {
  ...custom,
  oauth2: {
    tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
    authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
    // Pipedrive grants the scopes chosen in the app's Marketplace settings, not per request.
    scopes: [],
    clientAuthentication: 'basic',
    tokenResponseFields: { api_domain: 'apiDomain' },
  },
};

/** `https://<company>.pipedrive.com`: the OAuth `api_domain`, else built from the company subdomain. */
export function pipedriveBaseUrl(c: z.output<typeof credentials>): string {
  return c.apiDomain ?? `https://${c.companyDomain ?? 'api'}.pipedrive.com`;
}

export const defineAction = actionFor(pipedriveAuth);
export const definePollingTrigger = pollingTriggerFor(pipedriveAuth);
export const defineWebhookSource = webhookSourceFor(pipedriveAuth);
