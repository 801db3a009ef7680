import { z } from 'zod';
import { defineAction } from './auth';

/** chat.postMessage; `ok:false` answers are classified by code (see vendor.ts). Slack has no idempotency key. */
export const postMessage = defineAction({
  key: 'postMessage',
  title: 'Post message',
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
  idempotent: false,
  effect: { kind: 'atLeastOnce', why: 'Slack takes no idempotency key' },
  sample: { ok: true, channel: 'C0123ABCDEF', ts: '1764230400.000100' },
  async run(ctx, i) {
    const res = await ctx.http.request<{ ok: true; channel: string; ts: string }>({
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
      },
    });
    return { ok: true as const, channel: res.body.channel, ts: res.body.ts };
  },
});
