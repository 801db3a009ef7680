import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor, webhookSourceFor } from '../sdk/connector';

/** How inbound deliveries to a generic webhook connection are verified. */
const inboundSchemes = ['token', 'intercom', 'github', 'standard'] as const;
export type InboundScheme = (typeof inboundSchemes)[number];

/**
 * A webhook connection holds what verifies inbound deliveries and/or the secret `webhook.post`
 * signs outgoing requests with. `scheme` picks the inbound verifier: `token` (default; unsigned
 * senders POST to `/hooks/<connection>/<token>`), `intercom` (`X-Hub-Signature` sha1),
 * `github` (`X-Hub-Signature-256` sha256) or `standard` (Standard Webhooks, `signingSecret` is
 * the sender's `whsec_…` secret). Nothing is added to outgoing requests by auth.
 */
export const webhookAuth = auth.custom({
  credentials: z
    .object({
      scheme: z.enum(inboundSchemes).optional(), // absent = token
      token: z.string().min(16, 'use at least 16 random characters').optional(),
      signingSecret: z.string().min(16, 'use at least 16 random characters').optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.scheme === 'standard' && c.signingSecret && !/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(c.signingSecret)) {
        ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'a Standard Webhooks secret is base64, optionally prefixed whsec_' });
      }
    }),
  apply() {},
});
export type WebhookCredentials = z.output<typeof webhookAuth.credentials>;

export const defineAction = actionFor(webhookAuth);
export const defineWebhookSource = webhookSourceFor(webhookAuth);
