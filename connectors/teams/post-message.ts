import { z } from 'zod';
import { defineAction } from './auth';

const input = z.object({
  text: z.string().min(1).max(28_000),
  title: z.string().min(1).optional(),
  /** `adaptiveCard` for Workflows URLs (and new connectors); `messageCard` for legacy O365 connectors. */
  format: z.enum(['adaptiveCard', 'messageCard']).default('adaptiveCard'),
});

function body(i: z.output<typeof input>): unknown {
  if (i.format === 'messageCard') {
    return { '@type': 'MessageCard', '@context': 'http://schema.org/extensions', summary: i.title ?? i.text.slice(0, 80), title: i.title, text: i.text };
  }
  const blocks = [...(i.title ? [{ type: 'TextBlock', text: i.title, weight: 'Bolder', size: 'Medium' }] : []), { type: 'TextBlock', text: i.text, wrap: true }];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.2', body: blocks },
      },
    ],
  };
}

/** Posts to the channel's incoming webhook. Legacy answers 200 `1`; Workflows answers 202 (the flow runs later). */
export const postMessage = defineAction({
  description: 'Posts a message card to a Teams channel through its incoming webhook (legacy connector or Workflows).',
  input,
  output: z.object({ status: z.number(), accepted: z.boolean() }),
  effect: { kind: 'atLeastOnce', why: 'Teams incoming webhooks take no idempotency key and cannot be read back' },
  sample: { status: 202, accepted: true },
  request: (i, ctx) => ({ method: 'POST', url: ctx.credentials.webhookUrl, json: body(i) }),
  respond: (res) => ({ status: res.status, accepted: res.status === 202 || res.text.trim() === '1' || res.status === 200 }),
});
