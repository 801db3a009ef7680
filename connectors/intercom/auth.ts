import { z } from 'zod';
import { actionFor, pollingTriggerFor, webhookSourceFor } from '../sdk/connector';
import { auth } from '../sdk/auth';

/**
 * `accessToken` for the REST API (Authorization: Bearer), `clientSecret` to verify webhooks
 * (X-Hub-Signature). A connection that only receives webhooks may omit the token.
 */
export const intercomAuth = auth.bearer({
  optional: true,
  extra: { clientSecret: z.string().min(1).optional() },
});

export const defineAction = actionFor(intercomAuth);
export const definePollingTrigger = pollingTriggerFor(intercomAuth);
export const defineWebhookSource = webhookSourceFor(intercomAuth);
