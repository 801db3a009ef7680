import { z } from 'zod';
import { defineAction } from './auth';

const filter: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.object({ field: z.string().min(1), operator: z.enum(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$']), value: z.unknown() }),
    z.object({ operator: z.enum(['AND', 'OR']), value: z.array(filter).min(1).max(15) }),
  ]),
);

export const searchPage = z.object({
  type: z.literal('conversation.list'),
  conversations: z.array(z.record(z.string(), z.unknown())),
  total_count: z.number(),
  pages: z.object({ next: z.object({ starting_after: z.string() }).nullable().optional() }).optional(),
});

/** POST /conversations/search with cursor pagination (`pages.next.starting_after`). */
export const searchConversations = defineAction({
  key: 'searchConversations',
  title: 'Search conversations',
  description: 'Searches conversations with Intercom query filters, following the pagination cursor.',
  input: z.object({
    query: filter,
    perPage: z.number().int().min(1).max(150).default(20),
    startingAfter: z.string().optional(),
    /** Follow the cursor for up to this many pages. */
    maxPages: z.number().int().min(1).max(50).default(1),
  }),
  output: z.object({ conversations: z.array(z.record(z.string(), z.unknown())), totalCount: z.number(), nextCursor: z.string().nullable() }),
  idempotent: true,
  timeout: '60s',
  sample: { conversations: [{ type: 'conversation', id: '147', state: 'open' }], totalCount: 1, nextCursor: null },
  async run(ctx, i) {
    const conversations: Record<string, unknown>[] = [];
    let cursor: string | null = i.startingAfter ?? null;
    let total = 0;
    for (let page = 0; page < i.maxPages; page++) {
      const res = await ctx.http.request({
        method: 'POST',
        path: '/conversations/search',
        json: { query: i.query, pagination: { per_page: i.perPage, ...(cursor ? { starting_after: cursor } : {}) } },
      });
      const body = searchPage.parse(res.body);
      conversations.push(...body.conversations);
      total = body.total_count;
      cursor = body.pages?.next?.starting_after ?? null;
      ctx.heartbeat({ page, cursor });
      if (!cursor) break;
    }
    return { conversations, totalCount: total, nextCursor: cursor };
  },
});
