import { z } from 'zod';
import type { ActionContext } from '../sdk/types';

/** Intercom's search query: a field filter, or AND/OR over up to 15 filters (at most 2 levels deep). */
export const searchFilter: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.object({ field: z.string().min(1), operator: z.enum(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$']), value: z.unknown() }),
    z.object({ operator: z.enum(['AND', 'OR']), value: z.array(searchFilter).min(1).max(15) }),
  ]),
);

const envelope = z.looseObject({ total_count: z.number(), pages: z.object({ next: z.object({ starting_after: z.string().nullish() }).nullish() }).nullish() });
const records = z.array(z.record(z.string(), z.unknown()));

/** One page of a search answer: the records under `listKey`, the total and the next cursor. */
export interface SearchPage {
  records: Record<string, unknown>[];
  total: number;
  next: string | null;
}

interface SearchRequest {
  /** `/contacts/search`, `/conversations/search`. */
  path: string;
  /** `data` for contacts, `conversations` for conversations. */
  listKey: string;
  query: unknown;
  sort?: { field: string; order: 'ascending' | 'descending' };
  perPage: number;
  startingAfter: string | null;
  maxPages: number;
}

/**
 * Follows `pages.next.starting_after` for up to `maxPages` pages, handing each page to `onPage`
 * (which may stop early by returning false). Returns the cursor after the last page read (null at the end).
 */
export async function searchPages(ctx: ActionContext, r: SearchRequest, onPage: (page: SearchPage) => boolean | void): Promise<string | null> {
  let after = r.startingAfter;
  for (let n = 0; n < r.maxPages; n++) {
    const res = await ctx.http.request({
      method: 'POST',
      path: r.path,
      json: { query: r.query, ...(r.sort ? { sort: r.sort } : {}), pagination: { per_page: r.perPage, ...(after ? { starting_after: after } : {}) } },
    });
    const body = envelope.parse(res.body);
    after = body.pages?.next?.starting_after ?? null;
    ctx.heartbeat({ page: n, cursor: after });
    const go = onPage({ records: records.parse(body[r.listKey]), total: body.total_count, next: after });
    if (!after || go === false) break;
  }
  return after;
}
