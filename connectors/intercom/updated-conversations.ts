import { z } from 'zod';
import { definePollingTrigger } from './auth';
import { searchPage } from './search-conversations';

const input = z.object({ perPage: z.number().int().min(1).max(150).default(50), maxPages: z.number().int().min(1).max(20).default(5) });

const conversation = z.looseObject({ type: z.literal('conversation'), id: z.string(), updated_at: z.number() });

/**
 * Conversations updated since the cursor (unix seconds of the newest `updated_at` seen). Intercom's
 * `>` means "greater or equal", so the boundary second repeats; the dedupe key (id + updated_at)
 * absorbs it. The first poll (no cursor) only records "now": it does not replay history.
 */
export const updatedConversations = definePollingTrigger({
  key: 'updatedConversations',
  title: 'Updated conversations',
  description: 'Fires for each conversation updated since the last poll.',
  input,
  output: conversation,
  sample: { type: 'conversation', id: '147', updated_at: 1764230400 },
  defaultInterval: '5m',
  async poll(ctx, i, cursor) {
    if (cursor === null) return { items: [], cursor: String(Math.floor(Date.now() / 1000)) };
    const since = Number(cursor);
    const items: { dedupeKey: string; item: z.input<typeof conversation> }[] = [];
    let newest = since;
    let after: string | null = null;
    for (let page = 0; page < i.maxPages; page++) {
      const res = await ctx.http.request({
        method: 'POST',
        path: '/conversations/search',
        json: { query: { field: 'updated_at', operator: '>', value: String(since) }, pagination: { per_page: i.perPage, ...(after ? { starting_after: after } : {}) } },
      });
      const body = searchPage.parse(res.body);
      for (const raw of body.conversations) {
        const c = conversation.parse(raw);
        items.push({ dedupeKey: `${c.id}:${c.updated_at}`, item: c });
        newest = Math.max(newest, c.updated_at);
      }
      after = body.pages?.next?.starting_after ?? null;
      ctx.heartbeat({ page });
      if (!after) break;
    }
    return { items, cursor: String(newest) };
  },
});
