import { z } from 'zod';
import { defineAction } from './auth';
import { channelId, findStepMessage, stepMetadata } from './step-message';
import type { HttpResponse } from '../sdk/http-types';

/**
 * chat.postMessage; `ok:false` answers are classified by code (see vendor.ts). Slack has no
 * idempotency key: the message carries the step key in its metadata, and after an attempt whose
 * answer was lost, `reconcile` looks for it in the channel's (or thread's) recent history.
 */
export const postMessage = defineAction({
  description: 'Posts a message to a channel (or a thread reply); returns the channel and message ts.',
  input: z
    .object({
      /** Channel id (C0123…) or name (#support). */
      channel: z.string().min(1),
      text: z.string().min(1).max(40_000).optional(),
      blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
      threadTs: z.string().regex(/^\d+\.\d+$/).optional(),
      replyBroadcast: z.boolean().optional(),
      unfurlLinks: z.boolean().optional(),
      mrkdwn: z.boolean().optional(),
    })
    .refine((i) => i.text !== undefined || i.blocks !== undefined, { message: 'give text or blocks', path: ['text'] }),
  output: z.object({ ok: z.literal(true), channel: z.string(), ts: z.string() }),
  effect: {
    kind: 'reconcile',
    marker: 'message metadata with the step key, found with conversations.history',
    async reconcile(ctx, i) {
      const channel = await channelId(ctx, i.channel);
      const ts = channel && (await findStepMessage(ctx, channel, ctx.attemptStartedAt, i.threadTs));
      return channel && ts ? { ok: true as const, channel, ts } : undefined;
    },
  },
  sample: { ok: true, channel: 'C0123ABCDEF', ts: '1764230400.000100' },
  request: (i, ctx) => ({
    method: 'POST',
    path: '/chat.postMessage',
    json: {
      channel: i.channel,
      text: i.text,
      blocks: i.blocks,
      thread_ts: i.threadTs,
      reply_broadcast: i.replyBroadcast,
      unfurl_links: i.unfurlLinks,
      mrkdwn: i.mrkdwn,
      metadata: stepMetadata(ctx.idempotencyKey),
    },
  }),
  respond: (res: HttpResponse<{ ok: true; channel: string; ts: string }>) => ({ ok: true as const, channel: res.body.channel, ts: res.body.ts }),
});
