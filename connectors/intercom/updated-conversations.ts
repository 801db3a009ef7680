import { z } from 'zod';
import { definePollingTrigger } from './auth';
import { searchPages } from './search';

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
    await searchPages(
      ctx,
      { path: '/conversations/search', listKey: 'conversations', query: { field: 'updated_at', operator: '>', value: String(since) }, perPage: i.perPage, startingAfter: null, maxPages: i.maxPages },
      (page) => {
        for (const raw of page.records) {
          const c = conversation.parse(raw);
          items.push({ dedupeKey: `${c.id}:${c.updated_at}`, item: c });
          newest = Math.max(newest, c.updated_at);
        }
      },
    );
    return { items, cursor: String(newest) };
  },
});
