import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { signHub, githubSignature } from '../sdk/signatures/hub-signature';
import { signStandardWebhook } from '../sdk/signatures/standard-webhooks';
import { defineAction } from './auth';

/** POSTs JSON to any URL (Zapier/Make/n8n catch hooks, internal services) through the guarded client. */
export const post = defineAction({
  title: 'POST JSON to a URL',
  description: 'Sends the body as JSON to a URL (e.g. a Zapier, Make or n8n catch hook), optionally HMAC-signed.',
  input: z.object({
    url: z.url({ protocol: /^https?$/ }),
    body: z.unknown(),
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * Sign with the connection's `signingSecret`: `hmac-sha256` sends `<signatureHeader>: sha256=<hex>`
     * (GitHub style, header default X-Hub-Signature-256); `standard-webhooks` sends webhook-id/-timestamp/-signature.
     */
    signature: z.enum(['none', 'hmac-sha256', 'standard-webhooks']).default('none'),
    signatureHeader: z.string().regex(/^[A-Za-z0-9-]+$/).default('X-Hub-Signature-256'),
  }),
  output: z.object({ status: z.number(), body: z.unknown() }),
  effect: { kind: 'atLeastOnce', why: 'a catch hook takes no idempotency key and offers no way to look up an earlier delivery' },
  connection: 'optional',
  sample: { status: 200, body: { status: 'success' } },
  async run(ctx, i) {
    const raw = JSON.stringify(i.body ?? null);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey, ...i.headers };
    if (i.signature !== 'none') {
      const secret = ctx.credentials.signingSecret;
      if (!secret) throw new ConnectorError('invalid_input', `signature ${i.signature} needs a connection with a signingSecret`, { field: 'signature' });
      if (i.signature === 'hmac-sha256') headers[i.signatureHeader.toLowerCase()] = signHub({ ...githubSignature, header: i.signatureHeader }, secret, raw);
      else {
        const id = `msg_${createHash('sha256').update(ctx.idempotencyKey).digest('hex').slice(0, 24)}`;
        const ts = Math.floor(Date.now() / 1000);
        Object.assign(headers, { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, raw) });
      }
    }
    const res = await ctx.http.request({ method: 'POST', url: i.url, headers, body: raw });
    return { status: res.status, body: res.body };
  },
});
