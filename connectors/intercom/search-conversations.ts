import { z } from 'zod';
import { defineAction } from './auth';
import { searchFilter, searchPages } from './search';

/** POST /conversations/search with cursor pagination (`pages.next.starting_after`). */
export const searchConversations = defineAction({
  description: 'Searches conversations with Intercom query filters, following the pagination cursor.',
  input: z.object({
    query: searchFilter,
    perPage: z.number().int().min(1).max(150).default(20),
    startingAfter: z.string().optional(),
    /** Follow the cursor for up to this many pages. */
    maxPages: z.number().int().min(1).max(50).default(1),
  }),
  output: z.object({ conversations: z.array(z.record(z.string(), z.unknown())), totalCount: z.number(), nextCursor: z.string().nullable() }),
  effect: { kind: 'none' },
  timeout: '60s',
  sample: { conversations: [{ type: 'conversation', id: '147', state: 'open' }], totalCount: 1, nextCursor: null },
  async run(ctx, i) {
    const conversations: Record<string, unknown>[] = [];
    let totalCount = 0;
    const nextCursor = await searchPages(
      ctx,
      { path: '/conversations/search', listKey: 'conversations', query: i.query, perPage: i.perPage, startingAfter: i.startingAfter ?? null, maxPages: i.maxPages },
      (page) => {
        conversations.push(...page.records);
        totalCount = page.total;
      },
    );
    return { conversations, totalCount, nextCursor };
  },
});
