import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/**
 * A webhook connection holds the inbound path token (`/hooks/<connection>/<token>`) and/or the
 * secret `webhook.post` signs outgoing requests with. Nothing is added to outgoing requests by auth.
 */
export const webhookAuth = auth.custom({
  credentials: z
    .object({
      token: z.string().min(16, 'use at least 16 random characters').optional(),
      signingSecret: z.string().min(16, 'use at least 16 random characters').optional(),
    })
    .strict(),
  apply() {},
});
export type WebhookCredentials = z.output<typeof webhookAuth.credentials>;

export const defineAction = actionFor(webhookAuth);
export const defineWebhookSource = webhookSourceFor(webhookAuth);
