import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/**
 * Teams incoming webhooks authenticate by a secret URL: either a legacy O365 connector URL
 * (…/webhookb2/…/IncomingWebhook/…) or a Workflows (Power Automate) URL carrying `sig=`.
 */
export const teamsAuth = auth.custom({
  credentials: z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) }).strict(),
  apply() {},
  accountLabel: (c) => new URL(c.webhookUrl).host,
});
export const defineAction = actionFor(teamsAuth);
