import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';
import { ConnectorError } from '../sdk/errors';

const credentials = z
  .object({
    /** A personal API key, sent bare: `Authorization: <key>` (Linear rejects "Bearer <key>"). */
    apiKey: z.string().min(1).optional(),
    /** An OAuth access token, sent as `Authorization: Bearer <token>`. */
    accessToken: z.string().min(1).optional(),
    /** The webhook's signing secret (Linear-Signature); a connection that only receives webhooks needs only this. */
    webhookSecret: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => !(c.apiKey && c.accessToken), { message: 'give apiKey or accessToken, not both', path: ['accessToken'] })
  .refine((c) => c.apiKey || c.accessToken || c.webhookSecret, { message: 'give apiKey, accessToken or webhookSecret', path: ['apiKey'] });

/** Linear: a personal API key or an OAuth bearer token, plus the webhook signing secret. */
export const linearAuth = auth.custom({
  credentials,
  apply(c, req) {
    if (c.apiKey) req.headers.authorization = c.apiKey;
    else if (c.accessToken) req.headers.authorization = `Bearer ${c.accessToken}`;
    else throw new ConnectorError('fatal', 'the connection has no apiKey or accessToken; add one to its credentials to call the API', { code: 'missing_credentials', field: 'apiKey' });
  },
});

export const defineAction = actionFor(linearAuth);
export const defineWebhookSource = webhookSourceFor(linearAuth);
