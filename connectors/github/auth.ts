import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/**
 * A fine-grained personal access token or an OAuth/app token (`Authorization: Bearer`), and the
 * webhook's secret for `X-Hub-Signature-256`. A connection that only receives webhooks may omit the token.
 */
export const githubAuth = auth.bearer({
  optional: true,
  extra: { webhookSecret: z.string().min(1).optional() },
});

export const defineAction = actionFor(githubAuth);
export const defineWebhookSource = webhookSourceFor(githubAuth);
